/** The node-redis client the store runs on, with chatbridge's Lua scripts registered (EVALSHA, EVAL on NOSCRIPT). */
import { createClient } from '@redis/client'
import { ACQUIRE_LEASE, RELEASE_LEASE, RENEW_LEASES } from './lease-scripts.js'
import { RedisStoreError, redactRedisUrl } from './redis-error.js'
import { ADD_CONVERSATION, END_CONVERSATION, FENCED_SET, ORPHANED_CONVERSATIONS } from './store-scripts.js'

const scripts = {
  acquireLease: ACQUIRE_LEASE,
  renewLeases: RENEW_LEASES,
  releaseLease: RELEASE_LEASE,
  addConversation: ADD_CONVERSATION,
  fencedSet: FENCED_SET,
  endConversation: END_CONVERSATION,
  orphanedConversations: ORPHANED_CONVERSATIONS,
}

function makeClient(url: string, connectTimeoutMs: number, connected: () => boolean) {
  return createClient({
    url,
    scripts,
    // While Redis is away a command fails at once (typed by the store) instead of waiting in a
    // queue without bound: the adapter retries its writes on a timer, latest value first.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      // At start a refused connection is final: the caller hears of it now, not after endless
      // retries. Once connected, a lost connection (Redis restarted) is retried, backing off to 2 s.
      reconnectStrategy: (retries: number) => (connected() ? Math.min(50 * 2 ** retries, 2_000) : false),
    },
  })
}

/** A client made by {@link createStoreClient}. @internal */
export type StoreClient = ReturnType<typeof makeClient>

/** The part of the client leases use. @internal */
export type ChatLeaseClient = Pick<StoreClient, 'acquireLease' | 'renewLeases' | 'releaseLease'>

/**
 * Creates and connects a client on `url` (`redis://[user:password@]host:port[/db]`). Rejects with
 * `E_REDIS_UNAVAILABLE`, naming the URL without credentials, when Redis cannot be reached within
 * `connectTimeoutMs` (default 5 000).
 *
 * @internal
 */
export async function createStoreClient(url: string, options: { readonly connectTimeoutMs?: number } = {}): Promise<StoreClient> {
  let connected = false
  const client = makeClient(url, options.connectTimeoutMs ?? 5_000, () => connected)
  let firstError: unknown
  client.on('error', (error: unknown) => {
    firstError ??= error
  })
  try {
    await client.connect()
  } catch (error) {
    throw new RedisStoreError('E_REDIS_UNAVAILABLE', `Redis at ${redactRedisUrl(url)} cannot be reached: ${describe(firstError ?? error)}`, { cause: error })
  }
  connected = true
  return client
}

function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code
  return error instanceof Error ? error.message : 'unknown error'
}
