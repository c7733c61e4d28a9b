// The client
export { createStoreClient } from './redis-client.js'
export type { ChatLeaseClient, StoreClient } from './redis-client.js'

// Leases
export { ChatLeases } from './chat-leases.js'
export type { ChatLease, ChatLeasesOptions } from './chat-leases.js'

// Errors
export { RedisStoreError, redactRedisUrl } from './redis-error.js'
export type { RedisStoreErrorCode } from './redis-error.js'
