// Every conversation of a connection, those it has and those added later, merged into one stream of their streams' values.
import { Observable, type Subscriber, type Subscription, type Unsubscribable } from 'rxjs'
import type { ChatFeed } from './chat-feed.js'

/** What {@link fromEach} reads of a connection. @internal */
export interface EachSource {
  readonly conversations: () => Iterable<{ readonly feed: ChatFeed }>
  /** Conversations as they are added; completes when the connection closes. */
  readonly added: Observable<{ readonly feed: ChatFeed }>
  /** Closed or not: the current value at once, then `true` once. */
  readonly closed: Observable<boolean>
}

/**
 * What `defer(() => merge(from(current), added)).pipe(mergeMap((c) => stream(c.feed).pipe(catchError(() => EMPTY))),
 * takeUntil(closed.pipe(filter(Boolean))))` did, as plain code: that chain cost about thirty closures and
 * operator subscribers per subscription (a socket holds one or two for its whole life). A conversation
 * whose stream errors ends its part only (its failure shows in `state$` and its `messagingEvents$`).
 *
 * @internal
 */
export function fromEach<T>(source: EachSource, stream: (feed: ChatFeed) => Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => new Merged(source, stream, subscriber).start())
}

class Merged<T> implements Unsubscribable {
  readonly #source: EachSource
  readonly #stream: (feed: ChatFeed) => Observable<T>
  readonly subscriber: Subscriber<T>
  readonly #inners = new Set<Part<T>>()
  #closing: Subscription | undefined
  #adding: Subscription | undefined
  #outerDone = false
  #ended = false

  constructor(source: EachSource, stream: (feed: ChatFeed) => Observable<T>, subscriber: Subscriber<T>) {
    this.#source = source
    this.#stream = stream
    this.subscriber = subscriber
  }

  start(): Unsubscribable {
    // The close watch first, as `takeUntil` subscribes its notifier before the source.
    const closing = this.#source.closed.subscribe(new CloseWatch(this))
    if (this.#ended) {
      closing.unsubscribe()
      return this
    }
    this.#closing = closing
    for (const conversation of [...this.#source.conversations()]) {
      if (this.#ended) return this
      this.next(conversation)
    }
    const adding = this.#source.added.subscribe(this)
    if (this.#ended) adding.unsubscribe()
    else this.#adding = adding
    return this
  }

  /** A conversation (present at the start or added since): its stream joins the merge. */
  next(conversation: { readonly feed: ChatFeed }): void {
    if (this.#ended) return
    const part = new Part(this)
    this.#inners.add(part)
    const subscription = this.#stream(conversation.feed).subscribe(part)
    if (part.done) subscription.unsubscribe()
    else part.subscription = subscription
  }

  error(error: unknown): void {
    this.end()
    this.subscriber.error(error)
  }

  complete(): void {
    this.#outerDone = true
    if (this.#inners.size === 0) this.finish()
  }

  partDone(part: Part<T>): void {
    this.#inners.delete(part)
    if (this.#outerDone && this.#inners.size === 0) this.finish()
  }

  finish(): void {
    if (this.#ended) return
    this.end()
    this.subscriber.complete()
  }

  end(): void {
    if (this.#ended) return
    this.#ended = true
    this.#closing?.unsubscribe()
    this.#adding?.unsubscribe()
    for (const part of this.#inners) part.subscription?.unsubscribe()
    this.#inners.clear()
  }

  unsubscribe(): void {
    this.end()
  }
}

/** One conversation's stream in the merge; its failure ends only this part. */
class Part<T> {
  readonly #merged: Merged<T>
  subscription: Subscription | undefined
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

/** Completes the merge once the connection is closed. */
class CloseWatch {
  readonly #merged: { finish(): void }

  constructor(merged: { finish(): void }) {
    this.#merged = merged
  }

  next(closed: boolean): void {
    if (closed) this.#merged.finish()
  }
}
