// The outbound queue's give-up rules, as pure decisions: a failed POST and its facts in, what to do out.
import { LegacyInternalCode } from '@chatbridge/core'
import { type LegacySnapshot, errorFacts } from './legacy-contract.js'
import { type BackoffOptions, type RandomSource, decideRetry } from './retry-decision.js'

/**
 * What the queue knows about a failed command besides the error.
 *
 * @internal
 */
export interface CommandFailureFacts {
  /** Tries of this command before this one, from 0 (sends and event-log reads counted together). */
  readonly attempt: number
  /** Tries allowed per command. */
  readonly maxAttempts: number
  readonly backoff: BackoffOptions
  readonly random: RandomSource
  /**
   * The longest any one wait may be, in milliseconds (e.g. the chat's keep-alive limit); the waits
   * are capped by `backoff.maxMs` in any case.
   */
  readonly maxWaitMs?: number | undefined
}

/**
 * A wait as the queue may take it: never longer than `backoff.maxMs`, nor than `maxWaitMs` when
 * given. A server's `Retry-After` lengthens a wait up to that cap, never past it: a
 * `Retry-After: 86400` on a line's POST must not hold the line (and every line behind it) for a
 * day while the chat itself times out after `chatTimeout` seconds.
 *
 * @internal
 */
export function cappedWaitMs(ms: number, facts: Pick<CommandFailureFacts, 'backoff' | 'maxWaitMs'>): number {
  return Math.max(0, Math.min(ms, facts.backoff.maxMs, facts.maxWaitMs ?? Number.POSITIVE_INFINITY))
}

/**
 * What to do after a line's POST failed:
 * - `await-agent`: the server said "not in chat" (400, internalCode 5): the chat state we read was
 *   stale; wait `retryInMs`, then for `chatting` again, then send again;
 * - `resend`: send again after `retryInMs`;
 * - `give-up`: fail the line.
 * `lookFirst` (on `resend` and `give-up`): the line may have been applied although the POST failed,
 * so the event log must be read (now and after the reconcile window) before sending again or failing.
 *
 * @internal
 */
export type LineFailureDecision =
  | { readonly action: 'await-agent'; readonly retryInMs: number }
  | { readonly action: 'resend'; readonly lookFirst: boolean; readonly retryInMs: number }
  | { readonly action: 'give-up'; readonly lookFirst: boolean }

/**
 * True when a failure proves the request was not applied: a refusal (4xx) or a request that never
 * left. Any other failure after sending (timeout, reset, 5xx, an answer too large, cut or
 * unreadable) may hide an applied request.
 *
 * @internal
 */
export function provenNotApplied(error: unknown): boolean {
  const facts = errorFacts(error)
  const status = facts.status ?? 0
  return (status >= 400 && status < 500) || (facts.code === 'E_NETWORK' && !facts.outcomeUnknown)
}

/**
 * Decides, purely, what a failed POST of a line leads to (see {@link LineFailureDecision}). Every
 * `retryInMs` is capped (see {@link cappedWaitMs}).
 *
 * @internal
 */
export function decideLineFailure(error: unknown, facts: CommandFailureFacts): LineFailureDecision {
  const { status, internalCode } = errorFacts(error)
  const last = facts.attempt + 1 >= facts.maxAttempts
  const retry = decideRetry(error, facts.attempt, facts.backoff, facts.random)
  if (status === 400 && internalCode === LegacyInternalCode.NotInChat) {
    return last ? { action: 'give-up', lookFirst: false } : { action: 'await-agent', retryInMs: cappedWaitMs(retry.retry ? retry.retryInMs : facts.backoff.baseMs, facts) }
  }
  const lookFirst = !provenNotApplied(error)
  return !retry.retry || last ? { action: 'give-up', lookFirst } : { action: 'resend', lookFirst, retryInMs: cappedWaitMs(retry.retryInMs, facts) }
}

/**
 * What to do after the POST of the chat's end failed (every `retryInMs` capped, see
 * {@link cappedWaitMs}): `done` (a retried end finds the chat already
 * ended, 400: its first try was applied), `retry` after `retryInMs` (ending twice is harmless, so
 * unlike a line an unknown outcome is simply retried), or `give-up`; `refused` says the first try
 * was refused (4xx), so this side did not end the chat, whoever did.
 *
 * @internal
 */
export type EndFailureDecision =
  | { readonly action: 'done' }
  | { readonly action: 'retry'; readonly retryInMs: number }
  | { readonly action: 'give-up'; readonly refused: boolean }

/**
 * Decides, purely, what a failed POST of the chat's end leads to (see {@link EndFailureDecision}).
 *
 * @internal
 */
export function decideEndFailure(error: unknown, facts: CommandFailureFacts): EndFailureDecision {
  const status = errorFacts(error).status ?? 0
  if (facts.attempt > 0 && status === 400) return { action: 'done' }
  const retry = decideRetry(error, facts.attempt, facts.backoff, facts.random)
  if (retry.retry && facts.attempt + 1 < facts.maxAttempts) return { action: 'retry', retryInMs: cappedWaitMs(retry.retryInMs, facts) }
  return { action: 'give-up', refused: facts.attempt === 0 && status >= 400 && status < 500 }
}

/**
 * True when a read of the chat shows it over: its info says `ended`, or its events hold the
 * `ended` state. A refused end (400) of such a chat is done, not failed: closing is idempotent,
 * and the close reason stays the one the chat had (the agent's, or the system's).
 *
 * @internal
 */
export function chatIsOver(snapshot: LegacySnapshot): boolean {
  return snapshot.info?.state === 'ended' || snapshot.events.events.some((event) => event.type === 'state' && event.state === 'ended')
}

/**
 * True when the read of the chat after a refused end failed because the chat is gone (404,
 * internalCode 12): a gone chat is over too.
 *
 * @internal
 */
export function chatGone(error: unknown): boolean {
  const facts = errorFacts(error)
  return facts.code === 'E_CHAT_GONE' || (facts.status === 404 && facts.internalCode === LegacyInternalCode.ChatNotFound)
}

/**
 * Decides, purely, whether a failed read of the event log (looking for a line whose outcome is
 * unknown) is tried again after `retryInMs`, or given up (the line's outcome stays unknown).
 *
 * @internal
 */
export function decideLookFailure(error: unknown, facts: CommandFailureFacts): { readonly retry: true; readonly retryInMs: number } | { readonly retry: false } {
  const retry = decideRetry(error, facts.attempt, facts.backoff, facts.random)
  return retry.retry && facts.attempt + 1 < facts.maxAttempts ? { retry: true, retryInMs: cappedWaitMs(retry.retryInMs, facts) } : { retry: false }
}
