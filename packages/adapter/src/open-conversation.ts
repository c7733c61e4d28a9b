// One conversation's parts put together: its cursor, its feed (poll loop and mapping), its outbound queue and its store.
import { Subject, Subscription } from 'rxjs'
import { AdapterError } from './adapter-error.js'
import { ChatFeed } from './chat-feed.js'
import { sessionSupplier } from './chat-poller.js'
import type { ResolvedConnectionOptions } from './connection-options.js'
import type { RelayCommand, RelayHandler } from './conversation-relay.js'
import type { ConversationLease } from './conversation-store.js'
import type { ChatSessionPort } from './legacy-contract.js'
import { reportingActivity } from './outbound-activity.js'
import type { OutboundQueue } from './outbound-queue.js'
import { keepAliveCapMs } from './pacing.js'
import { cursorHolder } from './poll-cursor.js'
import type { PollSupplier } from './session-supplier.js'
import { publishingSupplier, stopMarkerOf } from './relay-supplier.js'
import { saveChanges, startOutbound } from './start-outbound.js'

/** A conversation of a connection: the legacy chat, the feed reading it, the queue writing to it. @internal */
export interface Conversation {
  readonly session: ChatSessionPort
  readonly feed: ChatFeed
  /** The queue, once the lease is held and the stored record settled; rejects when that failed or the conversation was closed first. */
  readonly queue: Promise<OutboundQueue>
  /** Settles once the conversation may be read here (the queue for a holder; the store's consent for a follower). */
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

/** What a conversation reports to its connection. @internal */
export interface ConversationEvents {
  /** Failed polls, failed store writes, failed resends of an earlier owner's lines. */
  readonly onError: (error: unknown) => void
  /** The lease was taken: call `onLeaseLost` from the keeper when a renewal says it is gone. */
  readonly onLease: (lease: ConversationLease, onLeaseLost: () => void) => void
  /** The store refused a write: another process owns the chat now; the conversation is disposed. */
  readonly onLeaseLost: (conversationId: string, error: unknown) => void
  /** With `config.relay`: runs the commands other processes forward while this connection holds the lease. */
  readonly serve?: RelayHandler | undefined
}

/**
 * Builds a conversation on `session`. The feed starts at once and always reads the chat from event
 * 0 (the conversation model is rebuilt from the whole log, so a resumed conversation's
 * notifications equal the legacy log); the outbound side starts from the store (see
 * `startOutbound`) and saves every cursor and record change, coalesced. With
 * `keepConversationsAlive` a subscriber polls until the chat ends even when nobody listens.
 *
 * @internal
 */
export function openConversation(
  session: ChatSessionPort,
  config: ResolvedConnectionOptions,
  requestedSkill: string | undefined,
  events: ConversationEvents,
  adopt?: (supplier: PollSupplier) => { readonly feed: ChatFeed; readonly cursor: ReturnType<typeof cursorHolder> },
): Conversation {
  const relay = config.relay
  // With a relay, every page with something new goes to the other processes too (fan-out).
  const supplier = relay === undefined ? sessionSupplier(session) : publishingSupplier(sessionSupplier(session), (page) => void relay.publish(session.conversationId, page).catch(events.onError))
  // The visitor typing or sending: an answer may follow, so the poll loop goes back to its fast pace.
  const activity = new Subject<void>()
  // A follower promoted to holder: its feed goes on (same cursor, same numbering), now reading the chat.
  const adopted = adopt?.(supplier)
  const cursor = adopted?.cursor ?? cursorHolder()
  const feed = adopted?.feed ?? new ChatFeed({
    conversationId: session.conversationId,
    supplier,
    cursor,
    poller: config.poller,
    activity$: activity,
    readFrom: (from: number, signal: AbortSignal) => session.snapshot({ from, signal }),
    eventLogLimit: config.eventLogLimit,
    graceMs: config.graceMs,
    consumerId: config.consumerId,
    requestedSkill,
    now: config.now,
  })
  const subscriptions = new Subscription()
  const controller = new AbortController()
  let lease: ConversationLease | undefined
  let disposed = false
  const dispose = (): void => {
    if (disposed) return
    disposed = true
    controller.abort()
    subscriptions.unsubscribe()
    started.then((s) => {
      s.writer.stop()
      s.queue.dispose()
    }, () => undefined)
    feed.dispose()
    activity.complete()
  }
  const started = startOutbound({
    session: reportingActivity(session, activity),
    // Every wait between a line's tries stays under the keep-alive cap (a third of `chatTimeout`), as the poll loop's do.
    maxWaitMs: keepAliveCapMs({ chatState: undefined, chatTimeoutS: undefined }, config.poller.pacing),
    chatUri: chatUriOf(session),
    feed,
    cursor,
    config,
    store: config.store,
    signal: controller.signal,
    onError: events.onError,
    onLeaseLost: (error) => {
      dispose()
      events.onLeaseLost(session.conversationId, error)
    },
  }).then((s) => {
    lease = s.lease
    if (disposed) {
      s.queue.dispose()
      throw new AdapterError('E_CLOSED', `conversation ${session.conversationId} was closed on this connection`)
    }
    subscriptions.add(saveChanges(s, cursor))
    if (relay !== undefined && events.serve !== undefined) subscriptions.add(relay.serve(session.conversationId, events.serve))
    events.onLease(s.lease, () => {
      dispose()
      events.onLeaseLost(session.conversationId, new AdapterError('E_CLOSED', `the lease of conversation ${session.conversationId} was lost: another process owns it`))
    })
    // A shared store lists the consumer's conversations for every process to resume: an over chat leaves that list.
    if (Number.isFinite(s.lease.ttlMs)) subscriptions.add(feed.state$.subscribe((state) => {
      if (state.status === 'closed' && (state.reason === 'ended' || state.reason === 'chat-gone')) config.store.endConversation(s.lease).catch(events.onError)
    }))
    // An earlier owner's lines go first, in their order; their callers are gone, so failures are reported.
    for (const text of s.toSend) s.queue.sendLine(text).catch(events.onError)
    return s
  })
  // A conversation this connection may not have (another consumer's, another process's) is not read either.
  started.catch(dispose)
  const queue = started.then((s) => s.queue)
  // Nobody may ever ask for the queue: its failure must not be an unhandled rejection.
  started.catch(() => undefined)
  queue.catch(() => undefined)
  subscriptions.add(feed.errors$.subscribe(events.onError))
  // The holder's loop stopped on the chat's end: its followers stop too (a dispose here is no stop).
  if (relay !== undefined) {
    subscriptions.add(feed.state$.subscribe((state) => {
      const stop = stopMarkerOf(state)
      if (stop !== undefined && lease !== undefined) void relay.publish(session.conversationId, { from: cursor.value.from, events: [], info: undefined, stop }).catch(events.onError)
    }))
  }
  if (config.keepConversationsAlive) {
    started.then(() => subscriptions.add(feed.chatState$().subscribe(IGNORING_ERRORS)), () => undefined)
  }
  return {
    session,
    feed,
    queue,
    ready: queue,
    lease: () => lease,
    subscriptions,
    dispose,
    release: async () => {
      const s = await started.catch(() => undefined)
      if (s === undefined) return
      await s.writer.flush().catch(events.onError)
      s.writer.stop()
      await config.store.releaseLease(s.lease).catch(events.onError)
    },
  }
}

// Shared by every kept-alive chat (an observer literal here cost each chat a closure for its life).
const IGNORING_ERRORS = { error: (): undefined => undefined }

/** The chat's URI when the session tells it (core's `ChatSession.uri`), else its id (which `attach` also takes). */
function chatUriOf(session: ChatSessionPort): string {
  const uri: unknown = (session as { readonly uri?: unknown }).uri
  return uri instanceof URL ? uri.href : session.conversationId
}
