/**
 * The error a session hook throws to refuse a request with a status of its choosing (401 for a bad
 * token, 409 for a second conversation, 429 for a flood), so a host's policy needs no handler of its own.
 */
import { ChatBridgeError, InvalidArgumentError } from '@chatbridge/core'

/**
 * Refuses a request: its response gets `status` as `code` and `body` (default: the message) as body.
 * Thrown by {@link SocketSessionOptions} hooks; like every chatbridge error a `ChatBridgeError`.
 *
 * @example
 * throw new RequestRefusedError(409, `conversation ${open} is open`, { body: { conversationId: open } })
 */
export class RequestRefusedError extends ChatBridgeError {
  declare readonly code: 'E_REQUEST_REFUSED'
  /** The response `code`: a 4xx status. */
  readonly status: number
  /** The response `body`. */
  readonly body: unknown

  /**
   * @param status the response code, 400–499.
   * @param message why, for the response body and logs; never a token or key.
   * @param options `body` replaces the message as response body; `cause` the failure behind it.
   */
  constructor(status: number, message: string, options: { readonly body?: unknown; readonly cause?: unknown } = {}) {
    super('E_REQUEST_REFUSED', message, options.cause === undefined ? undefined : { cause: options.cause })
    if (!Number.isInteger(status) || status < 400 || status > 499) throw new InvalidArgumentError(`status must be a 4xx code, e.g. new RequestRefusedError(409, '…'); got ${status}`)
    this.status = status
    this.body = options.body === undefined ? message : options.body
  }
}
