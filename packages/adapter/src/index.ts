/** The public surface of `@chatbridge/adapter`: every name a user may import, grouped by tier. */

// The two faces
export { createMessagingSocket, MessagingSocket } from './messaging-socket.js'
export type { MessagingSocketEvents, MessagingSocketOptions, SocketEventMap, SocketListener } from './messaging-socket.js'
export { Connection } from './connection.js'
export type { ConnectionCloseReason, ConnectionState } from './connection.js'
export type { ConnectionConfig } from './connection-config.js'
export { AdapterError } from './adapter-error.js'
export type { AdapterErrorCode } from './adapter-error.js'
export type { LegacyEventRecord } from './chat-feed.js'

// The request side, for hosts that carry Messaging frames themselves (e.g. a WebSocket server)
export { SocketSession } from './requests/socket-session.js'
export type { SessionSink, SocketSessionConfig } from './requests/socket-session.js'
export { RequestRefusedError } from './requests/request-refused-error.js'

// The Messaging shapes
export type {
  AcceptStatusEvent,
  AcceptStatusValue,
  ChangeMetadata,
  ChatStateEvent,
  ChatStateEventChange,
  ChatStateValue,
  CloseReason,
  ContentEvent,
  ConversationDetails,
  ConversationField,
  ConversationRequest,
  Dialog,
  ExConversationChange,
  ExConversationChangeNotification,
  LegacyEventNotification,
  MessagingEvent,
  MessagingEventChange,
  MessagingEventNotification,
  MessagingRole,
  NotificationFrame,
  OpenClose,
  OriginatorMetadata,
  Participant,
  RequestFrame,
  RequestId,
  ResponseFrame,
  RichContentEvent,
  SequencedEventChange,
  ServerFrame,
  UserProfile,
} from './messaging-types.js'

// Building blocks, for custom poll loops
export { pollChat, sessionSupplier } from './chat-poller.js'
export type { ChatPollerConfig, PollCursor, PollCursorHolder, PollStopReason, PollSupplier, PollerOutput, PollerState } from './chat-poller.js'
export { decideRetry } from './retry-decision.js'
export type { BackoffConfig, Random, RetryDecision, RetryGiveUpReason } from './retry-decision.js'
export type { PacingConfig } from './pacing.js'
export type { CallOptions, ChatClientPort, ChatSessionPort, LegacyEvent, LegacyInfo, LegacySnapshot, LinksPort } from './legacy-contract.js'
