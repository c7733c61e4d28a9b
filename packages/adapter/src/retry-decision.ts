// The retry decision: one failed request in, "retry after N ms" or "give up, and why" out.
import { LegacyInternalCode } from '@chatbridge/core'
import { errorFacts } from './legacy-contract.js'

/** How failed polls back off. */
export interface BackoffOptions {
  /** First backoff ceiling in milliseconds; default 500. */
  readonly baseMs: number
  /** Growth per consecutive failure; default 2. */
  readonly factor: number
  /** Largest backoff ceiling in milliseconds; default 30 000. */
  readonly maxMs: number
}

/**
 * Why a failed request is not retried: the chat is `chat-gone` (404, internalCode 12), the server
 * `refused` it (another 4xx), it was `aborted`, or the failure is `unexpected` (a bug, not the net).
 */
export type RetryGiveUpReason = 'chat-gone' | 'refused' | 'aborted' | 'unexpected'

/** The decision for one failure: wait and retry, or give up (with why). */
export type RetryDecision = { readonly retry: true; readonly retryInMs: number } | { readonly retry: false; readonly reason: RetryGiveUpReason }

/** A random number in [0, 1); injectable so tests are deterministic. Default `Math.random`. */
export type RandomSource = () => number

/**
 * Decides, purely, whether a failed read of the chat resource is retried and after how long.
 *
 * - Network failures, timeouts, 5xx, 429 and undecodable responses are retried after full jitter:
 *   `random() × min(maxMs, baseMs × factor^attempt)`, but never sooner than the server's
 *   `Retry-After` when it sent one.
 * - "Chat gone" (404, internalCode 12) gives up with `chat-gone`; other 4xx with `refused`;
 *   aborts with `aborted`; errors that are not chatbridge's with `unexpected` (a bug, not the net).
 *
 * `attempt` counts consecutive failures from 0. It does not cap the delay at the keep-alive limit:
 * that is pacing's job (see `keepAliveCapMs`).
 */
export function decideRetry(error: unknown, attempt: number, config: BackoffOptions, random: RandomSource): RetryDecision {
  const facts = errorFacts(error)
  switch (facts.code) {
    case 'E_CHAT_GONE':
      return { retry: false, reason: 'chat-gone' }
    case 'E_ABORTED':
      return { retry: false, reason: 'aborted' }
    case 'E_NETWORK':
    case 'E_TIMEOUT':
    case 'E_DECODE':
    case 'E_BODY_TOO_LARGE':
      return { retry: true, retryInMs: jittered(attempt, config, random, undefined) }
    case 'E_HTTP': {
      const status = facts.status ?? 0
      // 404 with internalCode 12 is "chat gone" even if it arrives as a plain HTTP error.
      if (status === 404 && facts.internalCode === LegacyInternalCode.ChatNotFound) return { retry: false, reason: 'chat-gone' }
      if (status === 429 || status >= 500) return { retry: true, retryInMs: jittered(attempt, config, random, facts.retryAfterMs) }
      return { retry: false, reason: 'refused' }
    }
    default:
      return { retry: false, reason: 'unexpected' }
  }
}

function jittered(attempt: number, config: BackoffOptions, random: RandomSource, retryAfterMs: number | undefined): number {
  const ceiling = Math.min(config.maxMs, config.baseMs * config.factor ** Math.max(0, attempt))
  const delay = Math.floor(random() * ceiling)
  return retryAfterMs === undefined ? delay : Math.max(delay, retryAfterMs)
}
