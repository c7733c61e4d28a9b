// The whole public surface of @chatbridge/core.

// The client
export { LegacyChatClient } from './legacy-chat-client.js'
export { ChatSession } from './chat-session.js'
export { conversationIdOf } from './chat-uri.js'
export type { FromOptions, TranscriptRequest } from './chat-session.js'
export { findAccountRoot } from './find-account-root.js'
export { decodeChatResource } from './decode-chat-resource.js'
export type { DecodeChatResourceOptions } from './decode-chat-resource.js'
export type { FindAccountRootOptions } from './find-account-root.js'
export type {
  AuthenticatedVisitor,
  CustomVariable,
  OfflineSurveyQuery,
  OfflineSurveySubmission,
  PreChatSurveyQuery,
  SurveySubmission,
  VisitorAuthentication,
} from './journey-requests.js'
export type { AvailabilityQuery, ChatFormat, LegacyChatClientOptions, RequestOptions, StartChatRequest, TransportOptions } from './options.js'

// The model
export { Links } from './links.js'
export type { Link } from './links.js'
export { trustedNextLink } from './trusted-next-link.js'
export type {
  A2ATransferEvent,
  ChatEvent,
  ChatEventBase,
  ChatInfo,
  ChatSnapshot,
  ChatState,
  EventsPage,
  LineEvent,
  LineSource,
  LineStatusEvent,
  StateEvent,
  Survey,
  SurveyAnswer,
  SurveyEntry,
  SurveyQuestion,
  TypingStatus,
  UnknownEvent,
  UrlEvent,
} from './model.js'

// Errors
export {
  AbortedError,
  BodyTooLargeError,
  ChatBridgeError,
  ChatGoneError,
  DecodeError,
  ForeignOriginError,
  HttpError,
  InvalidArgumentError,
  NetworkError,
  RelationMissingError,
  TimeoutError,
} from './errors.js'
export type { ChatBridgeErrorCode } from './errors.js'
export { LegacyInternalCode } from './legacy-internal-code.js'

// Safe display of URIs, for code that logs them
export { redactUri } from './redact.js'
