// Every conversation of a connection, those it has and those added later, merged into one stream of their streams' values.
import type { Observable, Unsubscribable } from 'rxjs'
import type { ChatFeed, LegacyEventRecord } from './chat-feed.js'
import type { ExConversationChange } from './messaging-types.js'
import { type Few, NO_ITEMS, countOf, itemsOf, withItem, withoutItem } from './exact-lists.js'
import type { LazyObserver } from './lazy-subject.js'
import { observableOf } from './watch.js'

/** Told of a connection's conversations as they are added, and of its close. @internal */
export interface EachWatcher {
  added(conversation: { readonly feed: ChatFeed }): void
  /** No conversation will be added any more (the connection's streams completed). */
  complete(): void
  closed(): void
  /** A conversation change of `feed`'s, as it goes out (see `watchChanges`). */
  changed?(feed: ChatFeed, change: ExConversationChange): void
  /** `feed`'s streams ended (see `ChatFeedListener.onEnd`). */
  ended?(feed: ChatFeed): void
}

/** What {@link watchEach} reads of a connection. @internal */
export interface EachSource {
  readonly conversations: () => Iterable<{ readonly feed: ChatFeed }>
  /**
   * Tells `watcher` of each conversation added and of the close until {@link unwatch}; one closed
   * already is told so at once. A listener, not subscriptions to `added$` and `closed$`: two RxJS
   * subscribers, their finalizer arrays and teardowns for every watcher's life (`legacyEvents$`, `conversations$`).
   */
  watch(watcher: EachWatcher): void
  unwatch(watcher: EachWatcher): void
}

/**
 * What `defer(() => merge(from(current), added)).pipe(mergeMap((c) => stream(c.feed).pipe(catchError(() => EMPTY))),
 * takeUntil(closed.pipe(filter(Boolean))))` did, as plain code: that chain cost about thirty closures and
 * operator subscribers per subscription (a socket with `emitLegacyEvents` holds one for its whole life). A conversation
 * whose stream errors ends its part only (its failure shows in `state$` and its `messagingEvents$`).
 * `stream` starts one conversation's stream into an observer (a feed's watch) and returns what stops it.
 * Returns what stops the merge.
 *
 * @internal
 */
export function watchEach<T>(source: EachSource, stream: Stream<T>, observer: LazyObserver<T>): Unsubscribable {
  return new Merged(source, stream, observer).start()
}

/** {@link watchEach} as an Observable. @internal */
export function fromEach<T>(source: EachSource, stream: Stream<T>): Observable<T> {
  return observableOf((observer) => watchEach(source, stream, observer))
}

/** Starts one conversation's stream into `observer`; returns what stops it. @internal */
export type Stream<T> = (feed: ChatFeed, observer: LazyObserver<T>) => Unsubscribable

// One function for every connection's merges, not a closure per subscription.
/** Each conversation's legacy events of unknown type, for `legacyEvents$`. @internal */
export const LEGACY_EVENTS: Stream<LegacyEventRecord> = (feed, observer) => feed.watchLegacyEvents(observer)

class Merged<T> implements Unsubscribable, EachWatcher {
  readonly #source: EachSource
  readonly #stream: Stream<T>
  readonly subscriber: LazyObserver<T>
  // Copied on change, not a `Set` (whose table costs more than the one or two parts a socket has).
  #inners: Few<Part<T>> = NO_ITEMS
  // Conversations added count once the ones there at the start are merged (as `merge(from(current), added)` subscribed `added` then).
  #listening = false
  #watching = false
  #outerDone = false
  #ended = false

  constructor(source: EachSource, stream: Stream<T>, subscriber: LazyObserver<T>) {
    this.#source = source
    this.#stream = stream
    this.subscriber = subscriber
  }

  start(): Unsubscribable {
    // Watching for the close first, as `takeUntil` subscribes its notifier before the source.
    this.#source.watch(this)
    this.#watching = !this.#ended
    if (this.#ended) this.#source.unwatch(this)
    for (const conversation of [...this.#source.conversations()]) {
      if (this.#ended) return this
      this.next(conversation)
    }
    this.#listening = true
    return this
  }

  added(conversation: { readonly feed: ChatFeed }): void {
    if (this.#listening) this.next(conversation)
  }

  closed(): void {
    this.finish()
  }

  /** A conversation (present at the start or added since): its stream joins the merge. */
  next(conversation: { readonly feed: ChatFeed }): void {
    if (this.#ended) return
    const part = new Part(this)
    this.#inners = withItem(this.#inners, part)
    let subscription: Unsubscribable
    try {
      subscription = this.#stream(conversation.feed, part)
    } catch {
      // A stream that fails to start ends its part only, as a failing one does.
      part.error()
      return
    }
    if (part.done) subscription.unsubscribe()
    else part.subscription = subscription
  }

  complete(): void {
    if (!this.#listening) return
    this.#outerDone = true
    if (countOf(this.#inners) === 0) this.finish()
  }

  partDone(part: Part<T>): void {
    this.#inners = withoutItem(this.#inners, part)
    if (this.#outerDone && countOf(this.#inners) === 0) this.finish()
  }

  finish(): void {
    if (this.#ended) return
    this.end()
    this.subscriber.complete()
  }

  end(): void {
    if (this.#ended) return
    this.#ended = true
    if (this.#watching) this.#source.unwatch(this)
    this.#watching = false
    const inners = this.#inners
    this.#inners = NO_ITEMS
    for (const part of itemsOf(inners)) part.subscription?.unsubscribe()
  }

  unsubscribe(): void {
    this.end()
  }
}

/** One conversation's stream in the merge; its failure ends only this part. */
class Part<T> {
  readonly #merged: Merged<T>
  subscription: Unsubscribable | undefined
  done = false

  constructor(merged: Merged<T>) {
    this.#merged = merged
  }

  next(value: T): void {
    this.#merged.subscriber.next(value)
  }

  error(): void {
    this.complete()
  }

  complete(): void {
    this.done = true
    this.#merged.partDone(this)
  }
}
