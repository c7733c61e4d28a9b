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

/** What {@link startOutbound} needs. @internal */
export interface StartOutboundInput {
  readonly session: ChatSessionPort
  readonly chatUri: string
  /** The chat's feed (its state, its close reason). */
  readonly feed: OutboundChat
  readonly cursor: PollCursorHolder
  readonly config: ResolvedConnectionOptions
  readonly store: ConversationStore
  /** How the queue retries; one object for all the queues of a connection (see {@link outboundTiming}). */
  readonly timing: OutboundTiming
  /** Aborted when the conversation is closed on this connection. */
  readonly signal: AbortSignal
  /** Told of failed writes and of the lease's loss. */
  readonly owner: StoreWriterOwner
}

/** A started outbound side. @internal */
export interface StartedOutbound {
  readonly queue: OutboundQueue
  readonly lease: ConversationLease
  readonly writer: StoreWriter
  readonly ledger: OutboundLedger
  /** Texts of an earlier owner's lines to send again, oldest first (queue them before anything new). */
  readonly toSend: readonly string[]
}

/**
 * Takes the conversation's lease, loads what the store has of it (recording it when new) and
 * builds its queue on the stored record: `applied` lines stay, `sending` and `outcome-unknown` ones
 * are settled against the event log first (looked up twice, `reconcileWindowMs` apart, as a live
 * queue does) and sent again only when the log does not show them, `queued` ones are sent.
 * Every line's `sending` is written (fenced) before its POST, so a line is never posted by a
 * process that lost the lease, and a successor knows which lines may be in the log.
 *
 * @internal
 */
export async function startOutbound(input: StartOutboundInput): Promise<StartedOutbound> {
  const { session, store, config, signal } = input
  const id = session.conversationId
  const lease = await store.acquireLease(id)
  assertOpen(signal, id)
  if (lease === undefined) throw new AdapterError('E_CLOSED', `conversation ${id} is held by another process`)
  const stored = await store.loadConversation(id)
  assertOpen(signal, id)
  if (stored !== undefined && config.consumerId !== undefined && stored.consumerId !== undefined && stored.consumerId !== config.consumerId) {
    await store.releaseLease(lease)
    throw new AdapterError('E_UNKNOWN_CONVERSATION', `conversation ${id} is not this consumer's`)
  }
  if (stored === undefined) await store.addConversation(id, { chatUri: input.chatUri, consumerId: config.consumerId })
  const resumed = await settle(stored?.outbound ?? EMPTY_OUTBOUND, session, config, signal)
  assertOpen(signal, id)
  const writer = new StoreWriter(store, lease, input.owner, { written: stored?.cursor })
  const ledger = new OutboundLedger(resumed.record)
  const queue = new OutboundQueue({ conversationId: id, session: fencedSession(session, writer), chat: input.feed, cursor: input.cursor, ledger, timing: input.timing })
  return { queue, lease, writer, ledger, toSend: resumed.toSend }
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
 * Writes the current cursor and record, then each change, through the started side's writer, until
 * {@link stopSaving}: plain watchers of the holders, no subscription per chat. @internal
 */
export function saveChanges(started: StartedOutbound, cursor: StateHolder<PollCursor>): void {
  started.writer.cursor(cursor.value)
  started.writer.outbound(started.ledger.value)
  cursor.watch(new CursorWrites(started.writer))
  started.ledger.watch(new RecordWrites(started.writer))
}

/** Stops what {@link saveChanges} started. @internal */
export function stopSaving(started: StartedOutbound, cursor: StateHolder<PollCursor>): void {
  cursor.watch(undefined)
  started.ledger.watch(undefined)
}

// Observers as classes: a chat keeps these for its whole life, and methods are shared where closures are not.
class CursorWrites {
  constructor(readonly writer: StoreWriter) {}

  next(value: PollCursor): void {
    this.writer.cursor(value)
  }
}

class RecordWrites {
  constructor(readonly writer: StoreWriter) {}

  next(value: OutboundRecord): void {
    this.writer.outbound(value)
  }
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

/** The session the queue posts through: a line, the end or typing goes out only once the state before it is stored under the lease. */
function fencedSession(session: ChatSessionPort, writer: StoreWriter): OutboundQueueSession {
  return new FencedSession(session, writer)
}

// A class, not an object of arrow functions: its methods are shared by every chat instead of four closures each.
class FencedSession implements OutboundQueueSession {
  readonly #session: ChatSessionPort
  readonly #writer: StoreWriter

  constructor(session: ChatSessionPort, writer: StoreWriter) {
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
