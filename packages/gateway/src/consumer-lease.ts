// What a socket holds of its consumer's conversations while it is connected.
import type { Connection, ConversationRequest } from '@chatbridge/adapter'

/** One socket's hold on its consumer's conversations; {@link ConsumerLease.release} it when the socket closes. */
export interface ConsumerLease {
  /** The verified consumer id. */
  readonly consumerId: string
  /** The consumer's connection, shared by all its sockets. */
  readonly connection: Connection
  /** Settles once the consumer's stored conversations are resumed on the connection (at once without a store). */
  readonly ready: Promise<void>
  /** Whether `conversationId` is one of this consumer's conversations. */
  owns(conversationId: string): boolean
  /**
   * Requests a conversation through `next`, one at a time per consumer: while one is open, refuses
   * with a 409 `RequestRefusedError` whose body is `{ conversationId, message }` of the open one.
   */
  requestConversation(
    request: ConversationRequest,
    next: (request: ConversationRequest) => Promise<{ readonly conversationId: string }>,
  ): Promise<{ readonly conversationId: string }>
  /** The consumer closed `conversationId` (its close was answered 200): it no longer counts as open. */
  closed(conversationId: string): void
  /** The socket is gone; idempotent. The last release of a consumer starts its abandon timer. */
  release(): void
}
