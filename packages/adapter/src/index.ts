/** The public surface of `@chatbridge/adapter`: every name a user may import, grouped by tier. */

// The two faces
export { createMessagingSocket, MessagingSocket } from './messaging-socket.js'
export type { MessagingSocketOptions } from './messaging-socket.js'
export type { MessagingSocketEvents, SocketEventMap, SocketListener } from './socket-events.js'
export { Connection } from './connection.js'
export type { ConnectionCloseReason, ConnectionState } from './connection-state.js'
export type { ConnectionConfig, ConnectionOptions } from './connection-options.js'
/** CSAT ratings (`cm.UpdateConversationField` `CSATRate`) as exit survey answers: the option naming the question, and the rating as read. */
export type { CsatOptions, CsatRating } from './csat.js'
export { AdapterError } from './adapter-error.js'
export type { AdapterErrorCode } from './adapter-error.js'
export type { LegacyEventRecord } from './chat-feed.js'

// Where conversations' state is kept (the port a durable store implements, and the default one)
export { MemoryConversationStore } from './memory-conversation-store.js'
export { isLeaseLost } from './conversation-store.js'
export type { ConversationLease, ConversationStore, OutboundLineRecord, OutboundLineStatus, OutboundRecord, StoredConversation } from './conversation-store.js'

// Fan-out: how processes share a conversation one of them polls (the port, and the in-process one)
export { answerRelayCommand, relayedError } from './conversation-relay.js'
export type { ConversationRelay, RelayAnswer, RelayCommand, RelayEntry, RelayFailure, RelayHandler, RelayPage } from './conversation-relay.js'
export { MemoryConversationRelay } from './memory-conversation-relay.js'
export type { MemoryConversationRelayOptions } from './memory-conversation-relay.js'

// The request side, for hosts that carry Messaging frames themselves (e.g. a WebSocket server)
export { SocketSession } from './requests/socket-session.js'
export type { SessionSink, SocketSessionOptions } from './requests/socket-session.js'
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
  CsatRateField,
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

// What connection states and options are made of (the poll loop itself is in `@chatbridge/adapter/internals`)
export type { PollCursor, PollStopReason, PollerState } from './chat-poller.js'
export type { RandomSource, RetryGiveUpReason } from './retry-decision.js'
export type { PacingOptions } from './pacing.js'
export type { PollReport, PollReportListener } from './poll-report.js'
export type { CallOptions, ChatClientPort, ChatSessionPort, LegacyEvent, LegacyInfo, LegacySnapshot, LinksPort } from './legacy-contract.js'
