// The poll loop's give-up rules, as pure decisions: a failed poll and its facts in, retry or stop out.
import { AdapterError } from './adapter-error.js'
import { errorFacts } from './legacy-contract.js'
import { type BackoffOptions, type RandomSource, type RetryGiveUpReason, decideRetry } from './retry-decision.js'

/**
 * Why a poll loop stopped for good: the chat `ended` (or was transferred away), it is `chat-gone`
 * (404, internalCode 12), the server was `server-silent` for longer than the chat's `chatTimeout`
 * (so it has ended the chat), the server `refused` a poll (another 4xx), the failure was
 * `unexpected` (a bug), or the request was `aborted` by someone else.
 */
export type PollStopReason = 'ended' | 'server-silent' | RetryGiveUpReason

/**
 * What the poll loop knows when a poll fails, besides the error.
 *
 * @internal
 */
export interface PollFailureFacts {
  /** Consecutive failed polls before this one, from 0. */
  readonly attempt: number
  /** Milliseconds since the server last answered anything (a page or an HTTP error), this failure included. */
  readonly silentMs: number
  /** The chat's `chatTimeout` in milliseconds, as last reported (or the assumed default). */
  readonly chatTimeoutMs: number
}

/**
 * The decision for one failed poll: back off and poll again, or stop with a reason and the error to report.
 *
 * @internal
 */
export type PollFailureDecision =
  | { readonly retry: true; readonly retryInMs: number }
  | { readonly retry: false; readonly reason: Exclude<PollStopReason, 'ended'>; readonly error: unknown }

/**
 * True when the failure is an answer of the server (it carries an HTTP status): a server that answers keeps the chat alive.
 *
 * @internal
 */
export function serverAnswered(error: unknown): boolean {
  return errorFacts(error).status !== undefined
}

/**
 * Decides, purely, what a failed poll leads to:
 * - whatever {@link decideRetry} gives up on stops with its reason (4xx `refused`, `chat-gone`, `aborted`, `unexpected`);
 * - else, a server silent for longer than `chatTimeout` has ended the chat: stop with `server-silent`
 *   and an {@link AdapterError} `E_POLL_FAILED` saying so (the failure as its `cause`);
 * - else retry after the backoff (which pacing then caps at the keep-alive limit).
 *
 * @internal
 */
export function decidePollFailure(error: unknown, facts: PollFailureFacts, backoff: BackoffOptions, random: RandomSource): PollFailureDecision {
  const retry = decideRetry(error, facts.attempt, backoff, random)
  if (!retry.retry) return { retry: false, reason: retry.reason, error }
  if (facts.silentMs > facts.chatTimeoutMs) {
    const silent = new AdapterError(
      'E_POLL_FAILED',
      `the legacy server did not answer for ${Math.round(facts.silentMs / 1000)} s, longer than the chat's ${facts.chatTimeoutMs / 1000} s timeout: the server has ended the chat`,
      { cause: error },
    )
    return { retry: false, reason: 'server-silent', error: silent }
  }
  return retry
}

/**
 * What a stop means for the conversation: `complete` (the chat ended and its last events are out),
 * `close` (the chat is over on the server without an `ended` event: close the conversation, then
 * complete), or `fail` (polling failed for good: the streams error).
 *
 * @internal
 */
export function conversationOnStop(reason: PollStopReason): 'complete' | 'close' | 'fail' {
  if (reason === 'ended') return 'complete'
  if (reason === 'chat-gone' || reason === 'server-silent') return 'close'
  return 'fail'
}
