// What the poll loop emits and what it is configured with (its types, apart from the loop itself).
import type { SchedulerLike } from 'rxjs'
import type { ActivitySource } from './outbound-activity.js'
import type { LegacyEvent, LegacyInfo } from './legacy-contract.js'
import type { PacingOptions } from './pacing.js'
import type { PollGate } from './poll-gate.js'
import type { PollCursor } from './poll-cursor.js'
import type { PollStopReason } from './poll-stop-decision.js'
import type { PollReportListener } from './poll-report.js'
import type { BackoffOptions, RandomSource } from './retry-decision.js'

/**
 * What the poll loop is doing, for users (a documented union in the spirit of matrix-js-sdk's sync
 * states):
 * - `connecting`: no poll has succeeded yet;
 * - `live`: the last poll succeeded;
 * - `backing-off`: the last poll failed and another follows in `retryInMs` (attempt counts from 1);
 * - `closed`: polling stopped for good, with a {@link PollStopReason} — the chat `ended`, is
 *   `chat-gone`, the server was `server-silent` past `chatTimeout`, the server `refused`, the
 *   failure was `unexpected` (a bug), or the request was `aborted` by someone else.
 */
export type PollerState =
  | { readonly status: 'connecting' }
  | { readonly status: 'live' }
  | { readonly status: 'backing-off'; readonly retryInMs: number; readonly attempt: number; readonly error: unknown }
  | { readonly status: 'closed'; readonly reason: PollStopReason; readonly error?: unknown }

/** One value of the poll loop. */
export type PollerOutput =
  /** New events (ascending `@id`, each delivered once) and the info that came with them. */
  | { readonly kind: 'page'; readonly events: readonly LegacyEvent[]; readonly info: LegacyInfo | undefined; readonly cursor: PollCursor }
  | { readonly kind: 'state'; readonly state: PollerState }
  /** A failed poll that will be retried (e.g. a decode error); the cursor is kept. */
  | { readonly kind: 'error'; readonly error: unknown }

/** Timing of the poll loop. */
export interface ChatPollerOptions {
  readonly pacing: PacingOptions
  readonly backoff: BackoffOptions
  /** Jitter source; default `Math.random`. */
  readonly random: RandomSource
  /** Every wait goes through it, so `TestScheduler` can drive the loop; default `asyncScheduler`. */
  readonly scheduler: SchedulerLike
  /**
   * This chat's outbound activity (the visitor typing or sending a line): each poke cuts a longer
   * wait short to the state's interval, and the next poll counts as active. A run of the loop
   * listens from its first wait until it stops. Per chat; default none.
   */
  readonly activity?: ActivitySource | undefined
  /** Called once per settled poll with a `PollReport` (see `ConnectionOptions.onPoll`); default none. */
  readonly onPoll?: PollReportListener | undefined
  /** The chat's id, for those reports; default `''`. */
  readonly conversationId?: string | undefined
  /** Admits the polls of many chats a few at a time (see `PollGate`); shared by a connection's chats. Default none. */
  readonly gate?: PollGate | undefined
}

/** What one settled poll leads to. @internal */
export interface Step {
  readonly outputs: readonly PollerOutput[]
  /** The cursor to commit once `outputs` have been emitted. */
  readonly commit: PollCursor | undefined
  /** The wait before the next poll; `undefined` stops the loop. */
  readonly waitMs: number | undefined
  /** The wait counts from when the settled poll was due (pacing), not from now (a backoff). */
  readonly paced?: boolean
  /** How much sooner than `waitMs` the next poll is due when the wait is spread (see `idleSpreadMs`), counted from now; the next wait still stretches from `waitMs`. */
  readonly earlyMs?: number | undefined
}

/** Whose poll loop it is: its activity and its id for poll reports (a feed passes itself; default the options'). @internal */
export type PollChat = Pick<ChatPollerOptions, 'activity' | 'conversationId'> & {
  /** The chat resource's URI as text, when known: the cursor then keeps no `next` link that reading from `from` asks for anyway (see `keptNext`). */
  readonly chatHref?: string | undefined
}

/** Where a run of the loop sends its outputs (a `Subscriber`, or a feed's observer). @internal */
export interface PollLoopObserver {
  next(output: PollerOutput): void
  complete(): void
}
