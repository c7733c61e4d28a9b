// A conversation's outbound side, started from its store: the lease taken, the stored record settled, the queue built.
import { firstValueFrom, timer } from 'rxjs'
import { AdapterError } from './adapter-error.js'
import type { ResolvedConnectionOptions } from './connection-options.js'
import type { ConversationLease, ConversationStore } from './conversation-store.js'
import type { CallOptions, ChatSessionPort, LegacySnapshot } from './legacy-contract.js'
import { OutboundQueue } from './outbound-queue.js'
import { keepAliveCapMs } from './pacing.js'
import type { OutboundChat, OutboundTiming } from './outbound-queue-options.js'
import { EMPTY_OUTBOUND, OutboundLedger, type OutboundRecord } from './outbound-record.js'
import type { PollCursor, PollCursorHolder } from './poll-cursor.js'
import { type ResumedOutbound, resumeOutbound } from './resume-outbound.js'
import type { StateHolder } from './state-holder.js'
import { StoreWriter, type StoreWriterOwner } from './store-writer.js'
import { CONNECTION_OWN_STORE } from './connection-own-store.js'

/** What a conversation writes its state through: a {@link StoreWriter}, or {@link UNWRITTEN}. @internal */
export type ConversationWriter = Pick<StoreWriter, 'next' | 'cursor' | 'outbound' | 'flush' | 'flushWhenReachable' | 'stop'>

/**
 * The writer of a conversation on its connection's own store, which keeps nothing: no writer per
 * chat (56 B), and no write per page (a change reaches it as a call that does nothing). @internal
 */
export const UNWRITTEN: ConversationWriter = {
  next: () => undefined,
  cursor: () => undefined,
  outbound: () => undefined,
  flush: () => Promise.resolve(),
  flushWhenReachable: () => Promise.resolve(),
  stop: () => undefined,
}

/** What {@link startOutbound} needs. @internal */
export interface StartOutboundInput {
  readonly session: ChatSessionPort
  readonly config: ResolvedConnectionOptions
  readonly store: ConversationStore
  /** The connection's consumer, if it has one: a stored conversation of another one is refused. */
  readonly consumerId: string | undefined
  /** Aborted when the conversation is closed on this connection. */
  readonly signal: AbortSignal
  /** The writer's store (`store`) and lease (the one returned, once it holds it); told of failed writes and of the lease's loss. */
  readonly owner: StoreWriterOwner
}

/** A started outbound side (its queue is made on first use, see {@link outboundQueue}). @internal */
export interface StartedOutbound {
  readonly lease: ConversationLease
  readonly writer: ConversationWriter
  readonly ledger: OutboundLedger
  /** Texts of an earlier owner's lines to send again, oldest first (queue them before anything new). */
  readonly toSend: readonly string[]
  /** The ledger's record is the one the store has (nothing settled or resumed): no need to write it first. */
  readonly recordStored: boolean
}

/**
 * Takes the conversation's lease, loads what the store has of it (recording it when new) and
 * readies its queue's ledger and writer on the stored record: `applied` lines stay, `sending` and `outcome-unknown` ones
 * are settled against the event log first (looked up twice, `reconcileWindowMs` apart, as a live
 * queue does) and sent again only when the log does not show them, `queued` ones are sent.
 * Every line's `sending` is written (fenced) before its POST, so a line is never posted by a
 * process that lost the lease, and a successor knows which lines may be in the log.
 *
 * @internal
 */
export async function startOutbound(input: StartOutboundInput): Promise<StartedOutbound> {
  const { session, store, config, consumerId, signal } = input
  const id = session.conversationId
  const lease = await store.acquireLease(id)
  assertOpen(signal, id)
  if (lease === undefined) throw new AdapterError('E_CLOSED', `conversation ${id} is held by another process`)
  const stored = await store.loadConversation(id)
  assertOpen(signal, id)
  if (stored !== undefined && consumerId !== undefined && stored.consumerId !== undefined && stored.consumerId !== consumerId) {
    await store.releaseLease(lease)
    throw new AdapterError('E_UNKNOWN_CONVERSATION', `conversation ${id} is not this consumer's`)
  }
  if (stored === undefined) await store.addConversation(id, { chatUri: chatUriOf(session), consumerId })
  // A new conversation's record is the empty one (`addConversation` records it so).
  const record = stored?.outbound ?? EMPTY_OUTBOUND
  const resumed = await settle(record, session, config, signal)
  assertOpen(signal, id)
  const writer = store === CONNECTION_OWN_STORE ? UNWRITTEN : new StoreWriter(input.owner, stored?.cursor)
  return { lease, writer, ledger: new OutboundLedger(resumed.record), toSend: resumed.toSend, recordStored: resumed.record === record }
}

/** What {@link outboundQueue} builds a started side's queue of. @internal */
export interface OutboundQueueParts {
  /** The session lines go out through (fenced here by the writer). */
  readonly session: ChatSessionPort
  /** The chat's feed (its state, its close reason). */
  readonly chat: OutboundChat
  readonly cursor: PollCursorHolder
  readonly writer: ConversationWriter
  readonly ledger: OutboundLedger
  readonly config: ResolvedConnectionOptions
}

/** The queue of a started side: its lines go out once the state before them is stored under the lease. @internal */
export function outboundQueue(parts: OutboundQueueParts): OutboundQueue {
  const { session, chat, cursor, writer, ledger, config } = parts
  return new OutboundQueue({ conversationId: session.conversationId, session: new FencedSession(session, writer), chat, cursor, ledger, timing: outboundTiming(config) })
}

// One timing per connection's options: every queue of the connection shares it.
const timings = new WeakMap<ResolvedConnectionOptions, OutboundTiming>()

/** The queues' timing for `config`, made once per config. @internal */
export function outboundTiming(config: ResolvedConnectionOptions): OutboundTiming {
  let timing = timings.get(config)
  if (timing === undefined) {
    const { backoff, random, scheduler } = config.poller
    // Every wait between a line's tries stays under the keep-alive cap (a third of `chatTimeout`), as the poll loop's do.
    const maxWaitMs = keepAliveCapMs({ chatState: undefined, chatTimeoutS: undefined }, config.poller.pacing)
    timing = { backoff, maxWaitMs, random, scheduler, maxAttempts: config.maxCommandAttempts, reconcileWindowMs: config.reconcileWindowMs }
    timings.set(config, timing)
  }
  return timing
}

/**
 * Writes the current cursor and record (unless `recordStored`: the store has that one), then each
 * change, through `writer`, until {@link stopSaving}: the writer itself watches both holders, no
 * subscription nor observer object per chat (and an idle chat's store keeps no copy of an empty record). @internal
 */
export function saveChanges(writer: ConversationWriter, ledger: OutboundLedger, cursor: StateHolder<PollCursor>, recordStored = false): void {
  writer.cursor(cursor.value)
  if (!recordStored) writer.outbound(ledger.value)
  cursor.watch(writer)
  ledger.watch(writer)
}

/** Stops what {@link saveChanges} started. @internal */
export function stopSaving(ledger: OutboundLedger, cursor: StateHolder<PollCursor>): void {
  cursor.watch(undefined)
  ledger.watch(undefined)
}

async function settle(record: OutboundRecord, session: ChatSessionPort, config: ResolvedConnectionOptions, signal: AbortSignal): Promise<ResumedOutbound> {
  if (!record.lines.some((line) => line.status === 'sending' || line.status === 'outcome-unknown')) return resumeOutbound(record, [])
  const look = async (): Promise<ResumedOutbound> => resumeOutbound(record, (await session.snapshot({ from: 0, signal })).events.events)
  const first = await look()
  if (!first.unsettled) return first
  // A slow server may still apply a POST the last owner gave up on: look again before sending again.
  await firstValueFrom(timer(config.reconcileWindowMs, config.poller.scheduler))
  return look()
}

// The session the queue posts through: a line, the end or typing goes out only once the state before it is stored under the lease.
// A class, not an object of arrow functions: its methods are shared by every chat instead of four closures each.
class FencedSession implements OutboundQueueSession {
  readonly #session: ChatSessionPort
  readonly #writer: ConversationWriter

  constructor(session: ChatSessionPort, writer: ConversationWriter) {
    this.#session = session
    this.#writer = writer
  }

  snapshot(options?: CallOptions & { readonly from?: number }): Promise<LegacySnapshot> {
    return this.#session.snapshot(options)
  }

  async addLine(text: string, options?: CallOptions): Promise<number | undefined> {
    await this.#writer.flushWhenReachable(options?.signal)
    return this.#session.addLine(text, options)
  }

  async end(options?: CallOptions): Promise<void> {
    await this.#writer.flushWhenReachable(options?.signal)
    return this.#session.end(options)
  }

  async setVisitorTyping(status: 'typing' | 'not-typing', options?: CallOptions): Promise<void> {
    await this.#writer.flushWhenReachable(options?.signal)
    return this.#session.setVisitorTyping(status, options)
  }
}

type OutboundQueueSession = Pick<ChatSessionPort, 'addLine' | 'end' | 'snapshot' | 'setVisitorTyping'>

function assertOpen(signal: AbortSignal, id: string): void {
  if (signal.aborted) throw new AdapterError('E_CLOSED', `conversation ${id} was closed on this connection`)
}

/** The chat's URI when the session tells it (core's `ChatSession.href`, the session's own string, or `.uri`), else its id (which `attach` also takes). */
function chatUriOf(session: ChatSessionPort): string {
  const told = session as { readonly href?: unknown; readonly uri?: unknown }
  if (typeof told.href === 'string') return told.href
  return told.uri instanceof URL ? told.uri.href : session.conversationId
}
