// The store of a connection given none: it keeps nothing, since nothing would read it back.
import type { ConversationLease, ConversationStore, StoredConversation } from './conversation-store.js'

/**
 * What a `Connection` made without `options.store` writes to. A store of the connection's own is
 * only ever read back by that connection, which never does: it keeps every conversation it opened
 * (cursor, outbound record, visitor name live in the conversation's own objects) until it closes,
 * and only another connection resumes a conversation, which cannot reach this store. So it keeps
 * nothing (a `MemoryConversationStore` kept a record and a map entry per chat for no reader, ~150 B a
 * socket); its leases are granted at once and never expire. One for all such connections: it has no state.
 *
 * @internal
 */
export const CONNECTION_OWN_STORE: ConversationStore = {
  addConversation: () => Promise.resolve(),
  loadConversation: () => Promise.resolve<StoredConversation | undefined>(undefined),
  conversationsOf: () => Promise.resolve([]),
  saveCursor: () => Promise.resolve(),
  saveOutbound: () => Promise.resolve(),
  saveVisitorName: () => Promise.resolve(),
  acquireLease: (conversationId) => Promise.resolve<ConversationLease>({ conversationId, token: 1, ttlMs: Infinity }),
  renewLeases: () => Promise.resolve([]),
  releaseLease: () => Promise.resolve(),
  endConversation: () => Promise.resolve(),
  orphanedConversations: () => Promise.resolve([]),
}
