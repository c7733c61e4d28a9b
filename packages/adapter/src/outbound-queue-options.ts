// The options of an outbound queue: the chat it sends to, where it reads state from, its timing.
import type { Observable, SchedulerLike } from 'rxjs'
import type { ChatSessionPort } from './legacy-contract.js'
import type { CommandFailureFacts } from './outbound-failure-decision.js'
import type { OutboundLedger } from './outbound-record.js'
import type { PollCursor } from './poll-cursor.js'
import type { BackoffOptions, RandomSource } from './retry-decision.js'

/** The chat a queue sends to, as the queue reads it (the chat's feed itself: no closures per chat). @internal */
export interface OutboundChat {
  /** The legacy chat state, current then changes; subscribing must keep the chat polled. */
  chatState$(): Observable<string | undefined>
  /**
   * Called with `true` just before the `ended` state is posted, so the close reason becomes
   * `CONSUMER`, and with `false` when the server refused it (the chat was already over).
   */
  markEndedByConsumer(endedByConsumer: boolean): void
}

/** How a queue paces and gives up: the same for every queue of a connection, so shared by them. @internal */
export interface OutboundTiming {
  /** Backoff of retried commands; its `maxMs` also caps every wait, a server's `Retry-After` included. */
  readonly backoff: BackoffOptions
  /**
   * The longest one retry wait may be, in milliseconds, below `backoff.maxMs` (e.g. a third of the
   * chat's `chatTimeout`, the keep-alive limit); default no cap below `backoff.maxMs`.
   */
  readonly maxWaitMs?: number | undefined
  readonly random: RandomSource
  /** Timer of the retry waits; default `asyncScheduler`. */
  readonly scheduler: SchedulerLike
  /** Tries per command (sends and event-log checks together); default 5. */
  readonly maxAttempts: number
  /**
   * After an unknown outcome, how long to wait before a second look at the event log, in
   * milliseconds, since a server may apply a request after the client gave up on it; default 2 000.
   */
  readonly reconcileWindowMs: number
}

/**
 * Options of an `OutboundQueue`.
 *
 * @internal
 */
export interface OutboundQueueOptions {
  readonly conversationId: string
  readonly session: Pick<ChatSessionPort, 'addLine' | 'end' | 'snapshot' | 'setVisitorTyping'>
  /** The chat's state and its close reason. */
  readonly chat: OutboundChat
  /** The chat's poll cursor (read only): a line sent now gets an event id at or above its `from`. */
  readonly cursor: { readonly value: PollCursor }
  /** Holds the queue's lines and typing state (e.g. one loaded from a store); default an empty one. */
  readonly ledger?: OutboundLedger | undefined
  readonly timing: OutboundTiming
}

/** A command waiting in a queue, with its caller's promise. @internal */
export type OutboundQueueItem =
  | { readonly kind: 'line'; readonly id: number; readonly text: string; readonly resolve: (sequence: number) => void; readonly reject: (error: unknown) => void }
  | { readonly kind: 'end'; readonly resolve: (done: void) => void; readonly reject: (error: unknown) => void }

/** The facts a failure decision needs about try `attempt` under `timing`. @internal */
export function failureFacts(timing: OutboundTiming, attempt: number): CommandFailureFacts {
  return { attempt, maxAttempts: timing.maxAttempts, backoff: timing.backoff, random: timing.random, maxWaitMs: timing.maxWaitMs }
}
