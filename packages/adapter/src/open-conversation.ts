// One conversation's parts put together: its cursor, its feed (poll loop and mapping), its outbound queue and its store.
import { Subscription, take } from 'rxjs'
import { AdapterError } from './adapter-error.js'
import { ChatFeed, type ChatFeedListener } from './chat-feed.js'
import { sessionSupplier } from './chat-poller.js'
import type { ResolvedConnectionOptions } from './connection-options.js'
import type { RelayCommand } from './conversation-relay.js'
import type { ConversationEvents } from './conversation-events.js'
import type { ConversationLease, ConversationStore } from './conversation-store.js'
import { type LeaseLossListener, expires } from './lease-keeper.js'
import type { ChatSessionPort, LegacySnapshot } from './legacy-contract.js'
import { OutboundActivity, reportingActivity } from './outbound-activity.js'
import type { OutboundQueue } from './outbound-queue.js'
import type { OutboundLedger } from './outbound-record.js'
import type { PollerState } from './poller-types.js'
import { type PollCursor, cursorHolder } from './poll-cursor.js'
import { type PageFetcher, type PollSupplier, type ReadConsent, readWhenGiven } from './session-supplier.js'
import { publishingSupplier, stopMarkerOf } from './relay-supplier.js'
import { type ConversationWriter, type StartedOutbound, outboundQueue, saveChanges, startOutbound, stopSaving } from './start-outbound.js'
import type { StoreWriterOwner } from './store-writer.js'
import type { ExConversationChange } from './messaging-types.js'

/** A conversation of a connection: the legacy chat, the feed reading it, the queue writing to it. @internal */
export interface Conversation {
  readonly session: ChatSessionPort
  readonly feed: ChatFeed
  /** The queue, once the lease is held and the stored record settled; rejects when that failed or the conversation was closed first. */
  readonly queue: Promise<OutboundQueue>
  /** Settles once the conversation may be read here (the outbound side started for a holder; the store's consent for a follower). */
  readonly ready: Promise<unknown>
  /** A followed conversation's way to its holder (see `followConversation`); absent on the holder. */
  readonly forward?: ((command: RelayCommand) => Promise<unknown>) | undefined
  /** The lease, once held. */
  readonly lease: () => ConversationLease | undefined
  /** Torn down when the connection closes. */
  readonly subscriptions: Subscription
  /** Stops everything of this conversation on this connection (polling, the queue, writes); idempotent. */
  readonly dispose: () => void
  /** Writes what is not written yet, then gives the lease up (the conversation may continue elsewhere at once). */
  readonly release: () => Promise<void>
}

type Adopt = (supplier: PollSupplier) => { readonly feed: ChatFeed; readonly cursor: ReturnType<typeof cursorHolder> }

/**
 * Builds a conversation on `session`. The feed starts at once and always reads the chat from event
 * 0 (the conversation model is rebuilt from the whole log, so a resumed conversation's
 * notifications equal the legacy log); the outbound side starts from the store (see
 * `startOutbound`) and saves every cursor and record change, coalesced. With
 * `keepConversationsAlive` a subscriber polls until the chat ends even when nobody listens. @internal
 */
export function openConversation(session: ChatSessionPort, config: ResolvedConnectionOptions, requestedSkill: string | undefined, events: ConversationEvents, adopt?: Adopt): Conversation {
  return new HeldConversation(session, config, requestedSkill, events, adopt)
}

// One object as the feed's listener and consent, its writer's owner and its lease's holder: an idle chat keeps fields, not a
// closure per callback, no promise once started, no queue before a send. TS-private methods: `#` ones cost a brand slot each.
class HeldConversation implements Conversation, ChatFeedListener, StoreWriterOwner, LeaseLossListener, ReadConsent, PageFetcher {
  readonly session: ChatSessionPort
  readonly feed: ChatFeed
  readonly #cursor: ReturnType<typeof cursorHolder>
  readonly #config: ResolvedConnectionOptions
  readonly #events: ConversationEvents
  // The visitor typing or sending: an answer may follow, so the poll loop goes back to its fast pace.
  readonly #activity = new OutboundActivity()
  #subscriptions: Subscription | undefined
  // Only while the outbound side starts: aborts it when the conversation is closed first.
  #controller: AbortController | undefined
  // While starting, and kept when that failed (its rejection is the queue's).
  #starting: Promise<StartedOutbound> | undefined
  // Once started (and not closed first): the writer and the ledger; the queue on its first use.
  #writer: ConversationWriter | undefined
  #ledger: OutboundLedger | undefined
  #queue: OutboundQueue | undefined
  #lease: ConversationLease | undefined
  // The chat's end was heard (it may come before the outbound side started).
  #over = false
  #disposed = false

  constructor(session: ChatSessionPort, config: ResolvedConnectionOptions, requestedSkill: string | undefined, events: ConversationEvents, adopt: Adopt | undefined) {
    this.session = session
    this.#config = config
    this.#events = events
    const relay = config.relay
    // Nothing is read before the store said the chat is this consumer's (a listing would show it; a follower was told so);
    // with a relay, every page with something new goes to the other processes too (fan-out). Else this is the loop's fetcher.
    const published = relay === undefined ? undefined : publishingSupplier(sessionSupplier(session, adopt === undefined ? this : undefined), (page) => void relay.publish(session.conversationId, page).catch(events.onError))
    // A follower promoted to holder: its feed goes on (same cursor, same numbering), now reading the chat.
    const adopted = adopt?.(published ?? sessionSupplier(session))
    this.#cursor = adopted?.cursor ?? cursorHolder()
    const { poller, eventLogLimit, graceMs, now } = config
    this.feed = adopted?.feed ?? new ChatFeed({ conversationId: session.conversationId, chatHref: session.href, supplier: published ?? this, cursor: this.#cursor, poller, activity: this.#activity, readFrom: session, eventLogLimit, graceMs, consumerId: events.consumerId, requestedSkill, now })
    this.feed.listen(this)
    // An adopted feed may have heard the chat's end before this listened (a follower promoted after it).
    if (adopted !== undefined) this.feed.state$.pipe(take(1)).subscribe((state) => this.onState(state))
    this.start()
  }

  get queue(): Promise<OutboundQueue> {
    return this.whenStarted(() => this.queueNow())
  }

  get given(): boolean {
    return this.#writer !== undefined
  }

  get ready(): Promise<unknown> {
    return this.whenStarted(() => undefined)
  }

  fetchPage(cursor: PollCursor, signal: AbortSignal): Promise<LegacySnapshot> {
    return readWhenGiven(this.session, this, cursor, signal)
  }

  get subscriptions(): Subscription {
    return (this.#subscriptions ??= new Subscription())
  }

  lease(): ConversationLease | undefined {
    return this.#lease
  }

  /** The writer's store: the connection's, read through its events, not kept by each writer. @internal */
  get store(): ConversationStore {
    return this.#events.store
  }

  dispose(): void {
    if (this.#disposed) return
    this.#disposed = true
    this.#controller?.abort()
    this.#subscriptions?.unsubscribe()
    this.feed.keepPolled(this, false)
    if (this.#ledger !== undefined) stopSaving(this.#ledger, this.#cursor)
    this.#writer?.stop()
    this.#queue?.dispose()
    // A dispose here is no stop of the chat: nothing of the feed's last state is acted on; its end is told all the same.
    if (this.feed.live$.end === undefined) this.onEnd()
    this.feed.listen(undefined)
    this.feed.dispose()
  }

  async release(): Promise<void> {
    if (this.#writer === undefined) await this.#starting?.catch(() => undefined)
    const writer = this.#writer
    const lease = this.#lease
    if (writer === undefined || lease === undefined) return
    await writer.flush().catch(this.#events.onError)
    writer.stop()
    await this.#events.store.releaseLease(lease).catch(this.#events.onError)
  }

  /** The feed's failed polls, and the writer's failed writes. */
  onError(error: unknown): void {
    this.#events.onError(error)
  }

  onConversationChange(change: ExConversationChange): void {
    this.#events.conversationChanged(this.feed, change)
  }

  onEnd(): void {
    this.#events.ended(this.feed)
  }

  onState(state: PollerState): void {
    if (state.status !== 'closed') return
    const relay = this.#config.relay
    // The holder's loop stopped on the chat's end: its followers stop too.
    const stop = relay === undefined || this.#lease === undefined ? undefined : stopMarkerOf(state)
    if (stop !== undefined) void relay?.publish(this.session.conversationId, { from: this.#cursor.value.from, events: [], info: undefined, stop }).catch(this.#events.onError)
    if (state.reason !== 'ended' && state.reason !== 'chat-gone') return
    this.#over = true
    if (this.#writer !== undefined) this.endInStore()
  }

  /** The store refused a write: another process owns the chat now. */
  onLeaseLost(error: unknown): void {
    this.dispose()
    this.#events.onLeaseLost(this.session.conversationId, error)
  }

  leaseGone(): void {
    this.onLeaseLost(new AdapterError('E_CLOSED', `the lease of conversation ${this.session.conversationId} was lost: another process owns it`))
  }

  /** `then()` once the outbound side started; the start's failure, or `E_CLOSED` when closed first. */
  private whenStarted<T>(then: () => T): Promise<T> {
    if (this.#writer !== undefined) return Promise.resolve(then())
    const starting = this.#starting
    // Neither starting nor started: closed before its outbound side started.
    if (starting === undefined) return Promise.reject(closedError(this.session.conversationId))
    // Its own handlers ran first: the outcome is known when this continues.
    return starting.then(() => this.whenStarted(then))
  }

  /** The queue, made on first use (most chats never send); one made after `dispose` starts disposed, as the queue it would have been. */
  private queueNow(): OutboundQueue {
    let queue = this.#queue
    if (queue === undefined && this.#writer !== undefined && this.#ledger !== undefined) {
      const session = reportingActivity(this.session, this.#activity)
      queue = this.#queue = outboundQueue({ session, chat: this.feed, cursor: this.#cursor, writer: this.#writer, ledger: this.#ledger, config: this.#config })
      if (this.#disposed) queue.dispose()
    }
    if (queue === undefined) throw closedError(this.session.conversationId)
    return queue
  }

  /** A shared store lists the consumer's conversations for every process to resume: an over chat leaves that list. */
  private endInStore(): void {
    const lease = this.#lease
    if (lease !== undefined && expires(lease)) this.#events.store.endConversation(lease).catch(this.#events.onError)
  }

  private start(): void {
    const controller = (this.#controller = new AbortController())
    const config = this.#config
    const starting = startOutbound({ session: this.session, config, store: this.#events.store, consumerId: this.#events.consumerId, signal: controller.signal, owner: this })
    this.#starting = starting
    starting.then((started) => this.onStarted(started), () => this.onFailed())
  }

  // A conversation this connection may not have (another consumer's, another process's) is not read either.
  private onFailed(): void {
    this.#controller = undefined
    this.dispose()
  }

  private onStarted(started: StartedOutbound): void {
    this.#starting = undefined
    this.#controller = undefined
    this.#lease = started.lease
    if (this.#disposed) return
    const id = this.session.conversationId
    this.#writer = started.writer
    this.#ledger = started.ledger
    saveChanges(started.writer, started.ledger, this.#cursor, started.recordStored)
    const relay = this.#config.relay
    const events = this.#events
    if (relay !== undefined) this.subscriptions.add(relay.serve(id, (command) => events.serve(id, command)))
    this.#events.onLease(started.lease, this)
    if (this.#over) this.endInStore()
    // An earlier owner's lines go first, in their order; their callers are gone, so failures are reported.
    for (const text of started.toSend) this.queueNow().sendLine(text).catch(this.#events.onError)
    // `keepConversationsAlive`: the conversation itself keeps the chat polled (a socket's chats all are).
    if (this.#config.keepConversationsAlive) this.feed.keepPolled(this)
  }
}

const closedError = (id: string): AdapterError => new AdapterError('E_CLOSED', `conversation ${id} was closed on this connection`)
