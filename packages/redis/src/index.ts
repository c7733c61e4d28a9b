// The client
export { createStoreClient } from './redis-client.js'
export type { ChatLeaseClient, StoreClient } from './redis-client.js'

// The conversation store
export { RedisConversationStore } from './redis-conversation-store.js'
export type { RedisConversationStoreOptions } from './redis-conversation-store.js'

// Leases
export { ChatLeases } from './chat-leases.js'
export type { ChatLease, ChatLeasesOptions } from './chat-leases.js'

// Fan-out between processes (Streams)
export { RedisConversationRelay } from './redis-conversation-relay.js'
export type { RedisConversationRelayOptions } from './redis-conversation-relay.js'

// Errors
export { RedisStoreError, redactRedisUrl } from './redis-error.js'
export type { RedisStoreErrorCode } from './redis-error.js'
