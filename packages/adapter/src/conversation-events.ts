// What a connection's conversations report to it: one object per connection, told which conversation.
import type { RelayCommand, RelayHandler } from './conversation-relay.js'
import type { ConversationLease, ConversationStore } from './conversation-store.js'
import type { LeaseLossListener } from './lease-keeper.js'
import type { ChatFeed } from './chat-feed.js'
import type { ExConversationChange } from './messaging-types.js'

/** What the conversations report to their connection: one object per connection, told which conversation. @internal */
export interface ConversationEvents {
  readonly consumerId: string | undefined // the connection's (`ConnectionOptions.consumerId`)
  /** The connection's store (`ConnectionOptions.store`, or its own memory store). */
  readonly store: ConversationStore
  /** Failed polls, failed store writes, failed resends of an earlier owner's lines. */
  readonly onError: (error: unknown) => void
  /** The conversation's streams ended (see `ConnectionOptions.onConversationEnd`). */
  ended(feed: ChatFeed): void
  /** A conversation change, as it goes out: the connection's `conversations$` watches hear it. */
  conversationChanged(feed: ChatFeed, change: ExConversationChange): void
  /** The lease was taken: call `holder.leaseGone()` from the keeper when a renewal says it is gone. */
  readonly onLease: (lease: ConversationLease, holder: LeaseLossListener) => void
  /** The store refused a write: another process owns the chat now; the conversation is disposed. */
  readonly onLeaseLost: (conversationId: string, error: unknown) => void
  /** With `config.relay`: runs the commands other processes forward while this connection holds the lease. */
  serve(conversationId: string, command: RelayCommand): ReturnType<RelayHandler>
}
