// Pacing: how long the poll loop waits between polls, capped so the server never times the chat out.

/** How often the chat resource is polled. Every field is in milliseconds unless it says otherwise. */
export interface PacingOptions {
  /** Interval while an agent is in the chat; default 500. */
  readonly chattingMs: number
  /** Interval while waiting for an agent (and before the state is known); default 2 000. */
  readonly waitingMs: number
  /** Share of `chatTimeout` no wait may exceed, keep-alive included; default 1/3. */
  readonly keepAliveFraction: number
  /** The keep-alive cap is never below this (unless that is over half of `chatTimeout`); default 1 000. */
  readonly minKeepAliveMs: number
  /** `chatTimeout` in seconds assumed until the server reports one; default 40 (the server default). */
  readonly defaultChatTimeoutS: number
}

/**
 * What pacing looks at: the chat's state and its `chatTimeout` in seconds, when known.
 *
 * @internal
 */
export interface PacingInput {
  readonly chatState: string | undefined
  readonly chatTimeoutS: number | undefined
}

/**
 * The longest any wait between two polls may be so the server does not end the chat for want of
 * requests: `keepAliveFraction × chatTimeout`, at least `minKeepAliveMs` — but never more than half
 * of `chatTimeout`, so the floor cannot let a short-lived chat (e.g. 1 s) time out between polls.
 *
 * @internal
 */
export function keepAliveCapMs(input: PacingInput, config: PacingOptions): number {
  const timeoutS = input.chatTimeoutS !== undefined && input.chatTimeoutS > 0 ? input.chatTimeoutS : config.defaultChatTimeoutS
  const timeoutMs = timeoutS * 1000
  return Math.min(Math.max(config.minKeepAliveMs, Math.floor(timeoutMs * config.keepAliveFraction)), Math.floor(timeoutMs / 2))
}

/**
 * The wait before the next poll after a successful one: fast while chatting, slower otherwise, capped.
 *
 * @internal
 */
export function pollIntervalMs(input: PacingInput, config: PacingOptions): number {
  const base = input.chatState === 'chatting' ? config.chattingMs : config.waitingMs
  return Math.min(base, keepAliveCapMs(input, config))
}

/**
 * The wait before retrying after a failure: the backoff decision, capped so the chat stays alive.
 *
 * @internal
 */
export function backoffWaitMs(retryInMs: number, input: PacingInput, config: PacingOptions): number {
  return Math.min(retryInMs, keepAliveCapMs(input, config))
}
