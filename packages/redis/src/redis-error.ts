/** The errors of the Redis store: one family on core's `ChatBridgeError`, with stable codes. */
import { ChatBridgeError } from '@chatbridge/core'

/** Stable codes of {@link RedisStoreError}. */
export type RedisStoreErrorCode =
  /** Redis could not be reached (at start, or during an outage); `url` names it without credentials. */
  | 'E_REDIS_UNAVAILABLE'
  /** A write carried a fencing token that is no longer the chat's lease: this process lost the chat. */
  | 'E_LEASE_LOST'
  /** A stored value was not what chatbridge wrote (another program's key, a hand edit). */
  | 'E_REDIS_CORRUPT'
  /** An option of the store is invalid; the message shows a correct call. */
  | 'E_INVALID_ARGUMENT'

/** A failure of the Redis store; never carries a password or token. */
export class RedisStoreError extends ChatBridgeError {
  declare readonly code: RedisStoreErrorCode

  /** @param message what failed and where, without credentials. @param options `cause`: the client's error. */
  constructor(code: RedisStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** `url` without its user and password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.username !== '' || parsed.password !== '') {
      parsed.username = ''
      parsed.password = ''
    }
    return parsed.href
  } catch {
    return '(an unparseable Redis URL)'
  }
}
