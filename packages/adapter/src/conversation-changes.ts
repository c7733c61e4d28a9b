// Every conversation of a connection's changes, for `conversations$`: one watch on the connection, which its conversations tell.
import type { Unsubscribable } from 'rxjs'
import type { ChatFeed } from './chat-feed.js'
import type { EachSource, EachWatcher } from './each-conversation.js'
import { type Few, NO_ITEMS, countOf, has, itemsOf, withItem, withoutItem } from './exact-lists.js'
import type { LazyObserver } from './lazy-subject.js'
import type { ExConversationChange } from './messaging-types.js'
import { reportUnhandled } from './watch.js'

/**
 * Each conversation's latest change, then each later one as its feed tells the connection (see
 * `ChatFeedListener.onConversationChange`), for the conversations there at the start and those added
 * later; every one of them kept polled meanwhile, the watch itself its loop's keeper. A merge of one
 * stream per conversation (`watchEach`) cost a merge, and per conversation a part, a subject and
 * its holding: about 250 bytes for a socket's one conversation. A conversation that ends (or fails)
 * leaves the watch, its last change sent; the watch completes when the connection closes.
 * Returns what stops it.
 *
 * @internal
 */
export function watchChanges(source: EachSource, observer: LazyObserver<ExConversationChange>): Unsubscribable {
  return new ChangesWatch(source, observer).start()
}

// Where the watch is: conversations added count once those there at the start joined (as
// `merge(from(current), added)` subscribed `added` then); ended, nothing reaches the observer.
const STARTING = 0
const LISTENING = 1
// The connection's streams completed: no conversation is added any more; the watch ends with its last one.
const LAST_ONES = 2
const ENDED = 3

class ChangesWatch implements EachWatcher, Unsubscribable {
  readonly #source: EachSource
  readonly #observer: LazyObserver<ExConversationChange>
  // Copied on change: most watches have one conversation.
  #feeds: Few<ChatFeed> = NO_ITEMS
  #phase = STARTING

  constructor(source: EachSource, observer: LazyObserver<ExConversationChange>) {
    this.#source = source
    this.#observer = observer
  }

  start(): this {
    // Told of the close first: a closed connection ends the watch at once.
    this.#source.watch(this)
    for (const conversation of [...this.#source.conversations()]) {
      if (this.#phase === ENDED) return this
      this.join(conversation.feed)
    }
    if (this.#phase === STARTING) this.#phase = LISTENING
    return this
  }

  added(conversation: { readonly feed: ChatFeed }): void {
    if (this.#phase === LISTENING) this.join(conversation.feed)
  }

  changed(feed: ChatFeed, change: ExConversationChange): void {
    if (this.#phase !== ENDED && has(this.#feeds, feed)) this.send(change)
  }

  /** `feed`'s streams ended: its loop stopped for good, so there is nothing to let go. */
  ended(feed: ChatFeed): void {
    this.#feeds = withoutItem(this.#feeds, feed)
    if (this.#phase === LAST_ONES && countOf(this.#feeds) === 0) this.closed()
  }

  complete(): void {
    if (this.#phase !== LISTENING) return
    this.#phase = LAST_ONES
    if (countOf(this.#feeds) === 0) this.closed()
  }

  closed(): void {
    if (this.#phase === ENDED) return
    this.unsubscribe()
    this.#observer.complete()
  }

  unsubscribe(): void {
    if (this.#phase === ENDED) return
    this.#phase = ENDED
    this.#source.unwatch(this)
    const feeds = this.#feeds
    this.#feeds = NO_ITEMS
    for (const feed of itemsOf(feeds)) feed.keepPolled(this, false)
  }

  // Its latest change first, then the feed is heard and kept polled (which may start its loop and
  // bring changes at once). A conversation over already gives its last change only.
  private join(feed: ChatFeed): void {
    const over = feed.live$.end !== undefined
    if (!over) this.#feeds = withItem(this.#feeds, feed, true)
    const latest = feed.latestChange()
    if (latest !== undefined) this.send(latest)
    if (!over && this.#phase !== ENDED) feed.keepPolled(this)
  }

  // A throw in the observer is reported, never the watch's end (as a holding of the loop does).
  private send(change: ExConversationChange): void {
    try {
      this.#observer.next(change)
    } catch (error) {
      reportUnhandled(error)
    }
  }
}
