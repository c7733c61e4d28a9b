// The WebSocket close codes the gateway sends, and what a Messaging client does on each.

/**
 * Close codes of gateway sockets. 4401 and 4407 are Messaging's own (renew the token / the
 * unauthenticated identity, then reconnect); every other code means "wait briefly and reconnect".
 */
export const CloseCode = {
  /** The gateway is shutting down (drain). */
  goingAway: 1001,
  /** A binary frame: Messaging speaks text only. */
  unsupportedData: 1003,
  /** No successful `InitConnection` within `authTimeoutMs`, too many sockets for one consumer, or a refused token. */
  policyViolation: 1008,
  /** A frame over `maxFrameBytes` (sent by `ws` itself). */
  messageTooBig: 1009,
  /** The session failed unexpectedly. */
  internalError: 1011,
  /** The consumer reads slower than the gateway writes: its outgoing buffer passed `maxBufferedBytes`. */
  tryAgainLater: 1013,
  /** No frame at all (not even `GetClock` or a ping) for `idleTimeoutMs`. */
  idle: 4000,
  /** The authenticated consumer's token expired (or had expired): get a fresh one. */
  tokenExpired: 4401,
  /** The unauthenticated identity expired: sign up again. */
  identityExpired: 4407,
} as const

/** One of the {@link CloseCode} values. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]
