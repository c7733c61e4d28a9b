// A connection's own signals (closed, conversations added, the latest one, errors), each stream made only when asked for; and its conversations' callbacks.
import type { Observable } from 'rxjs'
import type { ChatFeed } from './chat-feed.js'
import type { ResolvedConnectionOptions } from './connection-options.js'
import type { RelayCommand } from './conversation-relay.js'
import type { ConversationLease, ConversationStore } from './conversation-store.js'
import type { EachSource, EachWatcher } from './each-conversation.js'
import { LazySubject } from './lazy-subject.js'
import { LeaseKeeper, type LeaseLossListener, expires } from './lease-keeper.js'
import type { ConversationEvents } from './conversation-events.js'
import type { ExConversationChange } from './messaging-types.js'
import { type RelayCommandTarget, runRelayCommand } from './relay-commands.js'
import { type Few, NO_ITEMS, itemsOf, withItem, withoutItem } from './exact-lists.js'

const CLOSED = 1
const COMPLETED = 2

/**
 * What a `Connection` tells its own streams, as plain fields until a stream is asked for: a
 * Messaging socket has a private connection whose `state$` and `errors$` are mostly never read, and
 * four RxJS subjects up front cost it about half a kilobyte. A stream made late starts from the
 * state then (the latest conversation, closed or not), as the subjects it replaces would have.
 *
 * @internal
 */
export class ConnectionSignals<C extends { readonly feed: ChatFeed }, M extends { values(): Iterable<C> } = { values(): Iterable<C> }> implements EachSource {
  /** The connection's conversations (its map, which the connection reads here: one field, not one each). */
  readonly byId: M
  // Closed and completed, as bits of one field (two booleans cost every connection 8 bytes more).
  #ended = 0
  #latest: C | undefined
  // The three streams, in one object made with the first asked for (three fields cost every connection 16 bytes more).
  #streams: { closed$?: LazySubject<boolean>; current$?: LazySubject<C | undefined>; errors$?: LazySubject<unknown> } | undefined
  // Copied on change, so a watcher leaving while they are told leaves no hole in the walk.
  #watchers: Few<EachWatcher> = NO_ITEMS

  /** @param byId the connection's conversations (its map: no closure kept to read it), for `watchEach` and `watchChanges`. */
  constructor(byId: M) {
    this.byId = byId
  }

  /** The connection's conversations now. */
  conversations(): Iterable<C> {
    return this.byId.values()
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return (this.#ended & CLOSED) !== 0
  }

  /** Closed or not: the current value, then `true` once. */
  get closed$(): Observable<boolean> {
    return ((this.#streams ??= {}).closed$ ??= new LazySubject<boolean>('behavior', this.closed))
  }

  /** The latest conversation announced (`undefined` before one), then each one announced. */
  get current$(): Observable<C | undefined> {
    return ((this.#streams ??= {}).current$ ??= this.made(new LazySubject<C | undefined>('behavior', this.#latest)))
  }

  /** Errors reported from now on (one reported with no stream asked for is dropped, as a subject drops it). */
  get errors$(): Observable<unknown> {
    return ((this.#streams ??= {}).errors$ ??= this.made(new LazySubject<unknown>('subject')))
  }

  /** A new conversation: the latest now, and told to the watchers. */
  announce(conversation: C): void {
    this.#latest = conversation
    this.#streams?.current$?.next(conversation)
    for (const watcher of itemsOf(this.#watchers)) watcher.added(conversation)
  }

  /** A conversation change of `feed`'s, as it goes out, told to the watchers that hear changes. */
  conversationChanged(feed: ChatFeed, change: ExConversationChange): void {
    for (const watcher of itemsOf(this.#watchers)) watcher.changed?.(feed, change)
  }

  /** `feed`'s streams ended, told to the watchers that hear changes. */
  feedEnded(feed: ChatFeed): void {
    for (const watcher of itemsOf(this.#watchers)) watcher.ended?.(feed)
  }

  /** Tells `watcher` of each conversation announced and of the close (at once when closed). */
  watch(watcher: EachWatcher): void {
    if (this.closed) watcher.closed()
    else this.#watchers = withItem(this.#watchers, watcher)
  }

  unwatch(watcher: EachWatcher): void {
    this.#watchers = withoutItem(this.#watchers, watcher)
  }

  /** Reports `error` to the errors stream, if anyone asked for it. */
  error(error: unknown): void {
    this.#streams?.errors$?.next(error)
  }

  /** Marks the connection closed (`closed$` emits `true`). */
  close(): void {
    this.#ended |= CLOSED
    this.#streams?.closed$?.next(true)
    for (const watcher of itemsOf(this.#watchers)) watcher.closed()
  }

  /** Completes the current and errors streams (now, or for one asked for later), and tells the watchers no more come. */
  complete(): void {
    this.#ended |= COMPLETED
    for (const subject of [this.#streams?.current$, this.#streams?.errors$]) subject?.complete()
    for (const watcher of itemsOf(this.#watchers)) watcher.complete()
  }

  // TS-private methods, not `#` ones: a `#` method gives every instance a brand field (8 bytes).
  private made<T>(subject: LazySubject<T>): LazySubject<T> {
    if ((this.#ended & COMPLETED) !== 0) subject.complete()
    return subject
  }
}

/**
 * The callbacks every conversation of a connection shares (they say which they are), as one object
 * of prototype methods rather than four closures and their context per connection; it keeps the
 * connection's leases. It is the connection's signals too: one object where two cost 40 bytes more.
 *
 * @internal
 */
export class ConnectionEvents<C extends { readonly feed: ChatFeed }, M extends { values(): Iterable<C> } = { values(): Iterable<C> }> extends ConnectionSignals<C, M> implements ConversationEvents {
  /** The connection's resolved options (the connection reads them here too). */
  readonly config: ResolvedConnectionOptions
  // Both made on first use, in one object made then (two fields cost every connection 8 bytes more): the
  // lease keeper with the first lease that runs out (a single process's connections, on the in-memory
  // store, never need one), and the error handler with a failed write or a relay.
  #rare: { leases?: LeaseKeeper; onError?: (error: unknown) => void } | undefined
  // The connection's, here rather than in its resolved options: those are shared by connections resolving equal ones.
  readonly consumerId: string | undefined
  readonly store: ConversationStore
  readonly #target: RelayCommandTarget

  constructor(byId: M, config: ResolvedConnectionOptions, consumerId: string | undefined, store: ConversationStore, target: RelayCommandTarget) {
    super(byId)
    this.consumerId = consumerId
    this.store = store
    this.config = config
    this.#target = target
  }

  /** Reports an error to the connection's errors stream, as a plain function (a `.catch` handler). */
  get onError(): (error: unknown) => void {
    return ((this.#rare ??= {}).onError ??= (error) => this.error(error))
  }

  ended(feed: ChatFeed): void {
    this.feedEnded(feed)
    this.config.onConversationEnd?.(feed.conversationId, this.consumerId)
  }

  serve(conversationId: string, command: RelayCommand): Promise<unknown> {
    return runRelayCommand(this.#target, conversationId, command)
  }

  onLease(lease: ConversationLease, holder: LeaseLossListener): void {
    if (expires(lease)) ((this.#rare ??= {}).leases ??= new LeaseKeeper(this.store, this.config.poller.scheduler, this)).add(lease, holder)
  }

  onLeaseLost(conversationId: string, error: unknown): void {
    this.#rare?.leases?.remove(conversationId)
    this.error(error)
  }

  /** Stops renewing the leases (the connection closes; they are released, or left to run out). */
  disposeLeases(): void {
    this.#rare?.leases?.dispose()
  }
}
