/**
 * The request and result shapes of the visitor journey around a chat: surveys (pre-chat, offline),
 * authenticated visitors and custom variables. Kept apart from `options.ts`, which holds the
 * client's option bags, so each file has one job.
 */
import type { SurveyAnswer } from './model.js'

/**
 * Pre-chat survey answers, sent in the chat request's `survey` field as
 * `{"survey":{"id":…,"question":[{"id","answer"}]}}` — the same shape as an exit survey submission.
 */
export interface SurveySubmission {
  /** The survey's `id`, as read with `preChatSurvey()`. */
  readonly surveyId: string | number
  /** One answer per question answered; a Checkbox may take several values. */
  readonly answers: readonly SurveyAnswer[]
}

/** Query of `GET {root}/chat/preSurvey` (the `prechat-survey` relation of the account resource). */
export interface PreChatSurveyQuery {
  /** Picks a survey by name; overrides every other parameter on the server. */
  readonly surveyName?: string
  /** The `surveyPreChatId` of the window configuration. */
  readonly surveyApiId?: string | number
  readonly visitorIp?: string
  readonly userAgent?: string
  readonly visitorId?: string
  /** The skill **name**. */
  readonly skill?: string
}

/** Query of `GET {root}/chat/offlineSurvey` (the `chat-offline-survey` relation). */
export interface OfflineSurveyQuery {
  /** The skill **name**. */
  readonly skill?: string
  /** Wins over `skill` on the server. */
  readonly visitorProfile?: string
  readonly visitorId?: string
  readonly surveyName?: string
}

/**
 * An offline survey submission (`POST {root}/chat/offlineSurvey`, override PUT).
 *
 * Sent as `{"survey":{"id","question":[…]},"LETagVisitorId",…}`: the `LETag*` and visitor fields
 * are **siblings** of `survey`, as the legacy JS SDK sends them — the SDK is what servers have
 * been answering for years, while the docs' example (LETag fields inside `survey`) is a single
 * page with other known slips. `chatReferrer` is sent correctly spelt (the docs' `chatRefferer`
 * is a typo the SDK does not repeat).
 */
export interface OfflineSurveySubmission {
  /** The survey's `id`, as read with `offlineSurvey()`. */
  readonly surveyId: string | number
  readonly answers: readonly SurveyAnswer[]
  readonly LETagVisitorId?: string
  readonly LETagSessionId?: string
  readonly LETagContextId?: string
  /** The skill **name**. */
  readonly skill?: string
  readonly userAgent?: string
  readonly visitorId?: string
  readonly visitorIp?: string
  readonly chatReferrer?: string
}

/**
 * The authenticated-visitor call (`POST {root}/conversation`), made before the chat request.
 * `ssoKey` is a secret: it never appears in an error, a log line or a recorded fixture.
 */
export interface VisitorAuthentication {
  /** The authenticated connector's id (`authChatConnId`). */
  readonly authChatConnId: string | number
  /** The OAuth code or JWT that proves the visitor's identity. */
  readonly ssoKey: string
  readonly engagementId?: string | number
  readonly LETagContextId?: string
  readonly LETagSessionId?: string
  readonly LETagVisitorId?: string
  /** For the OAuth code flow: the redirect URI the code was issued for. */
  readonly redirectUri?: string
}

/**
 * What the `conversation` call answers with (201): the ids to put in the chat request's
 * `participantId` and `conversationId`. The docs show only the status; chatbridge reads them from
 * the response body — `{"participantId","conversationId"}`, or wrapped in `conversation` as XML's
 * single root requires (either id may arrive as a number).
 */
export interface AuthenticatedVisitor {
  readonly participantId: string
  readonly conversationId: string
}

/** One custom variable (deprecated in the docs, still sent by the legacy JS SDK). */
export interface CustomVariable {
  readonly name: string
  readonly value: string
}
