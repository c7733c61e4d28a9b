/** Named legacy `internalCode` values. */

/**
 * The legacy API's `internalCode` values chatbridge acts on, named (legacy-chat-api.md §12):
 * the server's error body `{"error":{"message","internalCode"}}` carries them beside the status.
 */
export const LegacyInternalCode = {
  /** 400: a line was posted while the chat is not `chatting` (e.g. still `waiting`); nothing was added. */
  NotInChat: 5,
  /** 401: the account asks for a captcha chatbridge cannot answer. */
  BadCaptcha: 10,
  /** 404: the chat session is gone (ended and dropped, or never existed). */
  ChatNotFound: 12,
} as const

/** One of the {@link LegacyInternalCode} values. */
export type LegacyInternalCode = (typeof LegacyInternalCode)[keyof typeof LegacyInternalCode]
