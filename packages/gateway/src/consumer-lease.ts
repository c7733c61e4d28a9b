// What a socket holds of its consumer's conversations while it is connected.
import type { Connection, ConversationRequest } from '@chatbridge/adapter'
import { type Few, has } from '@chatbridge/adapter/internals'

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

/** What a lease reads of its consumer's entry in the registry. @internal */
export interface LeasedEntry {
  readonly consumerId: string
  readonly connection: Connection
  readonly owned: Few<string>
  readonly ready: Promise<void>
}

/** What a lease asks of the registry that made it: one object per registry, whatever the number of leases. @internal */
export interface LeaseHost<E extends LeasedEntry> {
  request(entry: E, request: ConversationRequest, next: (request: ConversationRequest) => Promise<{ readonly conversationId: string }>): Promise<{ readonly conversationId: string }>
  closed(entry: E, conversationId: string): void
  released(entry: E): void
}

/**
 * A {@link ConsumerLease} as one object on a shared prototype (a socket keeps it for its whole life,
 * so five closures each would add up). @internal
 */
export class HeldLease<E extends LeasedEntry> implements ConsumerLease {
  readonly #entry: E
  readonly #host: LeaseHost<E>
  #released = false

  constructor(entry: E, host: LeaseHost<E>) {
    this.#entry = entry
    this.#host = host
  }

  get consumerId(): string {
    return this.#entry.consumerId
  }

  get connection(): Connection {
    return this.#entry.connection
  }

  get ready(): Promise<void> {
    return this.#entry.ready
  }

  owns(conversationId: string): boolean {
    return has(this.#entry.owned, conversationId)
  }

  requestConversation(
    request: ConversationRequest,
    next: (request: ConversationRequest) => Promise<{ readonly conversationId: string }>,
  ): Promise<{ readonly conversationId: string }> {
    return this.#host.request(this.#entry, request, next)
  }

  closed(conversationId: string): void {
    this.#host.closed(this.#entry, conversationId)
  }

  release(): void {
    if (this.#released) return
    this.#released = true
    this.#host.released(this.#entry)
  }
}
