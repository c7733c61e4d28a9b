/**
 * Messaging requests translated into legacy chat terms (messaging-model.md §4): pure functions,
 * called by `Connection`, so the translation has one owner and can be read without the engine.
 */
import type { StartChatRequest } from '@chatbridge/core'
import { type CsatRating, csatRatingOf } from '../csat.js'
import type { ConversationField, ConversationRequest } from '../messaging-types.js'

/** What {@link legacyChatRequest} needs of the connection's resolved config. */
export interface LegacyChatRequestConfig {
  /** Messaging `skillId` → legacy skill name; a `skillId` without an entry is the name. */
  readonly skillMap: Readonly<Record<string, string>>
  /** `interactionTimeout` (seconds) to ask for; `undefined` leaves the server's. */
  readonly interactionTimeoutS: number | undefined
}

/** A `cm.ConsumerRequestConversation` as a legacy `POST chat/request`. */
export interface LegacyChatRequest {
  /** The legacy skill name asked for, or `undefined` for any skill. */
  readonly skill: string | undefined
  /** The body of `LegacyChatClient.startChat`. */
  readonly startChat: StartChatRequest
}

/** Builds the legacy chat request for a Messaging conversation request. */
export function legacyChatRequest(request: ConversationRequest, config: LegacyChatRequestConfig): LegacyChatRequest {
  // Messaging's skillId -1 means "any skill": the legacy request then names none.
  const skillId = request.skillId === '-1' ? undefined : request.skillId
  const skill = skillId === undefined ? undefined : (config.skillMap[skillId] ?? skillId)
  const campaign = request.campaignInfo
  const context = request.conversationContext
  const visitor = request.authenticatedVisitor
  return {
    skill,
    startChat: {
      ...(skill === undefined ? {} : { skill }),
      ...(config.interactionTimeoutS === undefined ? {} : { interactionTimeout: config.interactionTimeoutS }),
      ...(campaign?.campaignId === undefined ? {} : { campaignId: campaign.campaignId }),
      ...(campaign?.engagementId === undefined ? {} : { engagementId: campaign.engagementId }),
      ...(context?.visitorId === undefined ? {} : { LETagVisitorId: context.visitorId }),
      ...(context?.sessionId === undefined ? {} : { LETagSessionId: context.sessionId }),
      ...(context?.interactionContextId === undefined ? {} : { LETagContextId: String(context.interactionContextId) }),
      ...(context?.lang === undefined ? {} : { language: context.lang }),
      ...(request.survey === undefined ? {} : { survey: { surveyId: request.survey.surveyId, answers: request.survey.answers } }),
      ...(visitor === undefined ? {} : { participantId: visitor.participantId, conversationId: visitor.conversationId }),
    },
  }
}

/**
 * What a `cm.UpdateConversationField` asks of a legacy chat: a CSAT rating to submit (the exit
 * survey's answer) and whether to end the chat, or the fields it cannot serve.
 */
export type ConversationFieldUpdate =
  | { readonly action: 'apply'; readonly rating: CsatRating | undefined; readonly close: boolean }
  | { readonly action: 'unsupported'; readonly fields: readonly string[] }

/**
 * Reads `cm.UpdateConversationField` fields: `ConversationStateField` `CLOSE`, or a `DialogChange`
 * closing the dialog, end the chat; `CSATRate` is a rating (throws `E_BAD_REQUEST` when it is not
 * 1–5); a request with neither has no legacy equivalent.
 */
export function conversationFieldUpdate(field: ConversationField | readonly ConversationField[]): ConversationFieldUpdate {
  const fields: readonly ConversationField[] = Array.isArray(field) ? field : [field as ConversationField]
  const close = fields.some(
    (f) =>
      (f.field === 'ConversationStateField' && f['conversationState'] === 'CLOSE') ||
      (f.field === 'DialogChange' && typeof f['dialog'] === 'object' && f['dialog'] !== null && (f['dialog'] as { state?: unknown }).state === 'CLOSE'),
  )
  const rated = fields.find((f) => f.field === 'CSATRate')
  const rating = rated === undefined ? undefined : csatRatingOf(rated)
  return close || rating !== undefined ? { action: 'apply', rating, close } : { action: 'unsupported', fields: fields.map((f) => f.field) }
}
