// A connection renews the leases that run out (a shared store's) through its store; those that never do are the keeper's test.
import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Connection, type ConversationLease, type ConversationStore, MemoryConversationStore } from '../src/index.js'
import { fastConfig } from './support/fast-config.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer()
})
afterAll(async () => {
  await server.close()
})

/** The memory store, its leases lasting `ttlMs`; `renewed` resolves with the first renewal's leases. */
function expiringStore(ttlMs: number): { readonly store: ConversationStore; readonly renewed: Promise<readonly ConversationLease[]> } {
  const memory = new MemoryConversationStore()
  let told: (leases: readonly ConversationLease[]) => void = () => undefined
  const renewed = new Promise<readonly ConversationLease[]>((resolve) => (told = resolve))
  const own: Partial<ConversationStore> = {
    acquireLease: async (conversationId) => {
      const lease = await memory.acquireLease(conversationId)
      return lease === undefined ? undefined : { ...lease, ttlMs }
    },
    renewLeases: (leases) => {
      told(leases)
      return Promise.resolve([])
    },
  }
  // Every other call is the memory store's own, on the store itself (its fields are private).
  const store = new Proxy(memory, {
    get: (target, key) => {
      const value: unknown = Reflect.get(own, key) ?? Reflect.get(target, key, target)
      return typeof value === 'function' && !(key in own) ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
  return { store, renewed }
}

test('a lease that runs out is renewed through the store while the conversation is held', async () => {
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
  const { store, renewed } = expiringStore(60)
  const connection = new Connection(client, { ...fastConfig, store })
  const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
  expect((await renewed).map((lease) => lease.conversationId)).toEqual([conversationId])
  await connection.close()
  await client.close()
})
