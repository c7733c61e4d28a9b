// The adapter's error: one class with stable codes, and the helpers that build the common ones.
import { ChatBridgeError } from '@chatbridge/core'

/** Stable codes of {@link AdapterError}. */
export type AdapterErrorCode =
  /** The connection or conversation was closed before the command could complete. */
  | 'E_CLOSED'
  /** The chat ended (or never got an agent) before a queued line could be sent. */
  | 'E_NOT_SENT'
  /** A line's POST had an unknown outcome and the event log could not settle it. */
  | 'E_OUTCOME_UNKNOWN'
  /** The conversation id is not known to this connection. */
  | 'E_UNKNOWN_CONVERSATION'
  /** The legacy side refused or failed a command; `cause` holds core's error. */
  | 'E_COMMAND_FAILED'
  /** Polling stopped for good: the chat is gone, or the server refused; `cause` holds core's error. */
  | 'E_POLL_FAILED'
  /** Events a subscriber asked for could not be read again from the legacy server (they are no longer kept in memory); the chat goes on. */
  | 'E_REPLAY_FAILED'
  /** A request was malformed. */
  | 'E_BAD_REQUEST'
  /** A connection option is invalid; the message shows a correct call. Thrown when the connection is made. */
  | 'E_INVALID_CONFIG'

/**
 * A failure of the adapter itself, with a stable `code` and the underlying core error as `cause`.
 * Like every chatbridge error it is a `ChatBridgeError`, so one `instanceof` check catches all.
 * Messages are built from core messages, which never contain the app key; adapter messages add
 * only conversation ids and states.
 */
export class AdapterError extends ChatBridgeError {
  declare readonly code: AdapterErrorCode

  /** Makes an error with `code`, a message that names the conversation, and the failure behind it as `cause`. */
  constructor(code: AdapterErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(code, message, options)
  }
}

/**
 * The error a failed command rejects with: `error` itself when it is already an
 * {@link AdapterError}, else `E_COMMAND_FAILED` saying `could not <what>` (e.g. `send a line in
 * conversation c1`), with core's message and the error as `cause`.
 *
 * @internal
 */
export function commandFailed(what: string, error: unknown): AdapterError {
  if (error instanceof AdapterError) return error
  const detail = error instanceof Error ? `: ${error.message}` : ''
  return new AdapterError('E_COMMAND_FAILED', `could not ${what}${detail}`, { cause: error })
}
