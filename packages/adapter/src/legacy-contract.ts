// The ports the adapter is built on: the parts of `@chatbridge/core` it uses, and how it reads core's errors.
import type { ChatEvent, StartChatRequest, Survey, SurveyAnswer } from '@chatbridge/core'

/**
 * The part of `@chatbridge/core` the adapter relies on, stated as ports.
 *
 * Events are core's own `ChatEvent`; sessions, snapshots and info are the subsets the engine reads,
 * so a core `ChatSession` is assignable to {@link ChatSessionPort} and tests inject a fake without
 * patching anything (core's classes have private fields no fake could copy). Errors are told apart
 * by core's stable `code` (see {@link errorFacts}), never by class identity, so two copies of core
 * in one install still work together.
 */

/** A link lookup by relation, as core's `Links`. */
export interface LinksPort {
  /** The relation's URI, or `undefined` when the resource has no such link. */
  get(rel: string): URL | undefined
}

/** A legacy chat event, discriminated by `type`: core's `ChatEvent`. */
export type LegacyEvent = ChatEvent

/** The `info` section of a chat (core's `ChatInfo`), as far as the adapter reads it. */
export interface LegacyInfo {
  readonly state: string
  readonly skillName: string | undefined
  readonly skillId: string | undefined
  readonly agentName: string | undefined
  readonly agentId: string | undefined
  readonly startTime: string | undefined
  /** Seconds without a request after which the server ends the chat. */
  readonly chatTimeout: number | undefined
  readonly visitorId: string | undefined
  readonly agentTyping: string | undefined
}

/** The whole chat resource from one request (core's `ChatSnapshot`). */
export interface LegacySnapshot {
  readonly links: LinksPort
  readonly events: { readonly events: readonly LegacyEvent[] }
  readonly info: LegacyInfo | undefined
}

/** Per-call options (core's `RequestOptions`). */
export interface CallOptions {
  /** Aborts the call; the engine aborts polls and sends it no longer needs. */
  readonly signal?: AbortSignal
}

/** One legacy chat (core's `ChatSession`), as far as the adapter uses it. */
export interface ChatSessionPort {
  /** The chat id: Messaging's `conversationId` and `dialogId`. */
  readonly conversationId: string
  /**
   * The chat resource's URI as text (core's session has it). A session giving it must read
   * `{href}?from=N` on `snapshot({ from: N })` when `href` has no query, as core's does: a poll
   * cursor then keeps no `next` link that says the same (see `keptNext`).
   */
  readonly href?: string
  /** Reads the chat resource (events from `from`, info, links) in one request. */
  snapshot(options?: CallOptions & { readonly from?: number }): Promise<LegacySnapshot>
  /** Follows the chat resource's `next` link: the poll. */
  followNext(next: URL, options?: CallOptions): Promise<LegacySnapshot>
  /** Posts a visitor line; resolves to its event id when the server's `Location` gives one. */
  addLine(text: string, options?: CallOptions): Promise<number | undefined>
  /** Posts the `ended` state. */
  end(options?: CallOptions): Promise<void>
  /** Sets the visitor's name. */
  setVisitorName(name: string, options?: CallOptions): Promise<void>
  /** Sets the visitor's typing status. */
  setVisitorTyping(status: 'typing' | 'not-typing', options?: CallOptions): Promise<void>
  /** Reads the exit survey (CSAT ratings need it); optional, so a session without surveys still fits. */
  exitSurvey?(options?: CallOptions & { readonly surveyName?: string }): Promise<Survey>
  /** Submits exit survey answers (a CSAT rating); optional, as {@link exitSurvey}. */
  submitExitSurvey?(surveyId: string | number, answers: readonly SurveyAnswer[], options?: CallOptions): Promise<void>
}

/** Starting and resuming chats (core's `LegacyChatClient`). */
export interface ChatClientPort {
  /** Requests a chat; resolves once the server gave its URI. */
  startChat(request: StartChatRequest, options?: CallOptions): Promise<ChatSessionPort>
  /** A session for an existing chat, by URI or conversation id, without a request. */
  attach(uriOrConversationId: string | URL): ChatSessionPort
  /** Frees the client's connections. */
  close(): Promise<void>
}

/**
 * What the engine needs to know about a failure, read from core's error fields.
 *
 * @internal
 */
export interface ErrorFacts {
  /** Core's stable `code` (`E_HTTP`, `E_CHAT_GONE`, `E_NETWORK`, `E_TIMEOUT`, `E_DECODE`, …), or `undefined` for foreign errors. */
  readonly code: string | undefined
  readonly status: number | undefined
  readonly internalCode: number | undefined
  readonly retryAfterMs: number | undefined
  /** True when a request may have been applied although no answer arrived. */
  readonly outcomeUnknown: boolean
}

/**
 * Reads {@link ErrorFacts} from anything thrown; unknown shapes give all-`undefined` facts.
 *
 * @internal
 */
export function errorFacts(error: unknown): ErrorFacts {
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {}
  const code = typeof record['code'] === 'string' ? record['code'] : undefined
  const num = (key: string): number | undefined => (typeof record[key] === 'number' ? record[key] : undefined)
  return {
    code,
    status: num('status'),
    internalCode: num('internalCode'),
    retryAfterMs: num('retryAfterMs'),
    // A timeout after sending is the classic unknown outcome; core marks it, but be safe.
    outcomeUnknown: record['outcomeUnknown'] === true || code === 'E_TIMEOUT',
  }
}
