/**
 * The Messaging Window API shapes chatbridge emits and accepts (messaging-model.md §1), wire names
 * verbatim. Every value is a readonly discriminated union; nothing here has behaviour.
 */
import type { AuthenticatedVisitor, SurveySubmission } from '@chatbridge/core'

/** A request id as the client sent it; echoed unchanged, type included, as `reqId`. */
export type RequestId = string | number

/** A participant role. */
export type MessagingRole = 'CONSUMER' | 'ASSIGNED_AGENT' | 'AGENT' | 'MANAGER' | 'READER' | 'CONTROLLER'

/** The `chatState` of a {@link ChatStateEvent}. */
export type ChatStateValue = 'ACTIVE' | 'INACTIVE' | 'GONE' | 'COMPOSING' | 'PAUSE'

/** The `status` of an {@link AcceptStatusEvent}. */
export type AcceptStatusValue = 'ACCEPT' | 'READ' | 'ACCESS' | 'NACK' | 'ACTION'

/** A text message. chatbridge only ever emits `text/plain`; render `message` as text, never as markup. */
export interface ContentEvent {
  readonly type: 'ContentEvent'
  readonly contentType: 'text/plain'
  readonly message: string
}

/** Typing and presence; carries no sequence. */
export interface ChatStateEvent {
  readonly type: 'ChatStateEvent'
  readonly chatState: ChatStateValue
}

/** A delivery or read receipt for earlier sequences. */
export interface AcceptStatusEvent {
  readonly type: 'AcceptStatusEvent'
  readonly status: AcceptStatusValue | (string & {})
  readonly sequenceList: readonly number[]
}

/** Structured content; accepted for symmetry, never produced from legacy chat. */
export interface RichContentEvent {
  readonly type: 'RichContentEvent'
  readonly content: unknown
}

/** Any Messaging event, discriminated by `type`. */
export type MessagingEvent = ContentEvent | ChatStateEvent | AcceptStatusEvent | RichContentEvent

/**
 * chatbridge's entries in a change's `metadata` array, discriminated by `type`. They keep what the
 * Messaging shape has no field for, so nothing of the legacy event is lost.
 */
export type ChangeMetadata =
  /** The agent's line as it arrived, before conversion to plain text. Never render it unsanitised. */
  | { readonly type: 'LegacyHtml'; readonly html: string }
  /** A system line's `systemMessageId` (3 accepted, 4 routing, 5 agent ended, 13/15 transferred, …). */
  | { readonly type: 'LegacySystemMessage'; readonly systemMessageId: number | undefined }
  /** The content is a URL the agent pushed (a legacy `url` event). */
  | { readonly type: 'LegacyUrlPush'; readonly url: string }
  /** The chat moved to another account (a legacy `a2a-transfer` event); it ends here. */
  | {
      readonly type: 'LegacyA2ATransfer'
      readonly domain: string | undefined
      readonly remoteSiteId: string | undefined
      readonly skill: string | undefined
      readonly chatRequestParameters: Readonly<Record<string, unknown>> | undefined
    }
  /** A legacy event of a type chatbridge does not know, kept whole. */
  | { readonly type: 'LegacyEvent'; readonly legacyType: string; readonly event: Readonly<Record<string, unknown>> }

/** Who sent an event. */
export interface OriginatorMetadata {
  readonly id: string
  readonly role: MessagingRole
}

/** A change with a sequence: content, receipts, rich content. */
export interface SequencedEventChange {
  /** The legacy event `@id`. */
  readonly sequence: number
  readonly originatorId: string
  readonly originatorMetadata: OriginatorMetadata
  /** The legacy event's `time`, epoch milliseconds. */
  readonly serverTimestamp: number
  readonly event: ContentEvent | AcceptStatusEvent | RichContentEvent
  readonly conversationId: string
  readonly dialogId: string
  readonly metadata?: readonly ChangeMetadata[]
}

/** A chat-state change: no `sequence`, no `serverTimestamp`, as in the real service. */
export interface ChatStateEventChange {
  readonly originatorId: string
  readonly originatorMetadata: OriginatorMetadata
  readonly event: ChatStateEvent
  readonly conversationId: string
  readonly dialogId: string
}

/** One change of an `ms.MessagingEventNotification`; tell the kinds apart by `event.type`. */
export type MessagingEventChange = SequencedEventChange | ChatStateEventChange

/** `OPEN` or `CLOSE`, for conversations, stages and dialogs. */
export type OpenClose = 'OPEN' | 'CLOSE'

/** Why a conversation closed: this side ended it, the agent did, or anything else. */
export type CloseReason = 'CONSUMER' | 'AGENT' | 'SYSTEM'

/** A participant of a conversation. */
export interface Participant {
  readonly id: string
  readonly role: MessagingRole
}

/** The one dialog of a legacy chat. */
export interface Dialog {
  readonly dialogId: string
  readonly dialogType: 'MAIN'
  readonly channelType: 'MESSAGING'
  readonly state: OpenClose
  readonly creationTs: number
  readonly endTs?: number
}

/** A conversation's details as `cqm` reports them. */
export interface ConversationDetails {
  readonly state: OpenClose
  readonly stage: OpenClose
  readonly skillId: string
  readonly participants: readonly Participant[]
  readonly dialogs: readonly Dialog[]
  readonly startTs: number
  readonly endTs?: number
  readonly closeReason?: CloseReason
  readonly metaDataLastUpdateTs: number
  /** chatbridge extras, e.g. an account-to-account transfer. */
  readonly metadata?: readonly ChangeMetadata[]
}

/** One change of a `cqm.ExConversationChangeNotification`. */
export interface ExConversationChange {
  readonly type: 'UPSERT' | 'DELETE'
  readonly result: {
    readonly convId: string
    readonly conversationDetails: ConversationDetails
    readonly lastUpdateTime: number
  }
}

/** A conversation request (`cm.ConsumerRequestConversation`), in Messaging terms. */
export interface ConversationRequest {
  /** Sent as the legacy skill **name**, through `skillMap` when it has an entry; `-1` (any skill) sends none. */
  readonly skillId?: string
  /** Legacy `campaignId` and `engagementId`. */
  readonly campaignInfo?: { readonly campaignId?: string | number; readonly engagementId?: string | number }
  /** Legacy `LETagVisitorId`, `LETagSessionId`, `LETagContextId` (from `interactionContextId`) and `language`. */
  readonly conversationContext?: {
    readonly visitorId?: string
    readonly sessionId?: string
    readonly interactionContextId?: string | number
    readonly lang?: string
  }
  /** chatbridge's field (Messaging has none): pre-chat answers, sent as legacy `survey`; `surveyId` is core's `preChatSurvey()` `id`. */
  readonly survey?: SurveySubmission
  /**
   * chatbridge's field (Messaging authenticates with the `InitConnection` JWT, which legacy chat
   * cannot read): the ids core's `LegacyChatClient.authenticateVisitor()` returned, sent as the
   * legacy request's `participantId` and `conversationId`, which makes the chat authenticated.
   */
  readonly authenticatedVisitor?: AuthenticatedVisitor
}

/** A `cm.UpdateConversationField` field; closing, and a CSAT rating (see `ConnectionOptions.csat`), have legacy equivalents. */
export type ConversationField =
  | { readonly field: 'ConversationStateField'; readonly conversationState: 'CLOSE' | 'OPEN' }
  | CsatRateField
  | { readonly field: 'DialogChange'; readonly type: 'UPDATE' | 'ADD'; readonly dialog: { readonly dialogId?: string; readonly state?: string } }
  | { readonly field: string; readonly [key: string]: unknown }

/** A consumer's CSAT rating (`csatRate` 1 worst to 5 best): the exit survey answer to the question `ConnectionOptions.csat` names. */
export interface CsatRateField {
  readonly field: 'CSATRate'
  readonly csatRate: number
  /** Not sent: legacy chat has no field for it. */
  readonly csatResolutionConfirmation?: boolean
  /** `SKIPPED` sends nothing; default `FILLED`. */
  readonly status?: 'FILLED' | 'SKIPPED'
}

/** A user profile (`userprofile.SetUserProfile`); the legacy chat keeps only a visitor name. */
export interface UserProfile {
  readonly firstName?: string
  readonly lastName?: string
}

/** A request frame, client → server. `body` and `headers` are as the client sent them. */
export interface RequestFrame {
  readonly kind: 'req'
  readonly id: RequestId
  readonly type: string
  readonly body?: unknown
  readonly headers?: readonly unknown[]
}

/** The one response to a request; `reqId` is the request's `id` unchanged. */
export interface ResponseFrame {
  readonly kind: 'resp'
  readonly reqId: RequestId
  /** HTTP-like status: 200 success, 400 refused request, 500 failure on the legacy side. */
  readonly code: number
  readonly type: string
  readonly body: unknown
}

/** `ms.MessagingEventNotification`. */
export interface MessagingEventNotification {
  readonly kind: 'notification'
  readonly type: 'ms.MessagingEventNotification'
  readonly body: { readonly changes: readonly MessagingEventChange[] }
}

/** `cqm.ExConversationChangeNotification`, routed by the `subscriptionId` it answers. */
export interface ExConversationChangeNotification {
  readonly kind: 'notification'
  readonly type: 'cqm.ExConversationChangeNotification'
  readonly body: { readonly subscriptionId: string; readonly changes: readonly ExConversationChange[] }
}

/**
 * chatbridge's own notification for legacy events of unknown type; sent only to clients that opt
 * in (see `MessagingSocketOptions.emitLegacyEvents`), since Messaging clients do not know it.
 */
export interface LegacyEventNotification {
  readonly kind: 'notification'
  readonly type: 'chatbridge.LegacyEventNotification'
  readonly body: {
    readonly changes: readonly {
      readonly conversationId: string
      readonly sequence: number
      readonly metadata: readonly ChangeMetadata[]
    }[]
  }
}

/** Any notification frame chatbridge sends. */
export type NotificationFrame = MessagingEventNotification | ExConversationChangeNotification | LegacyEventNotification

/** Any frame chatbridge sends. */
export type ServerFrame = ResponseFrame | NotificationFrame
