import { RENEW_LEASES } from '../src/lease-scripts.js'
import { Connection, type ConversationStore, type MessagingEventChange } from '@chatbridge/adapter'
import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest'
import { fastConfig } from '../../adapter/test/support/fast-config.js'
import { Recorder } from '../../adapter/test/support/recorder.js'
import { runRestartScenario } from '../../adapter/test/support/restart-scenario.js'
import { RedisConversationStore, type StoreClient, createStoreClient } from '../src/index.js'
import { describeWithRedis } from './support/redis-suite.js'
import type { TestRedis } from './support/redis-server.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

const text = (message: string) => ({ type: 'ContentEvent', contentType: 'text/plain', message }) as const

/** Stores and connections of one test, each closed after it. */
function resources(redis: () => TestRedis) {
  let stores: RedisConversationStore[] = []
  let connections: Connection[] = []
  let prefix = ''
  let run = 0
  beforeEach(() => {
    prefix = `t${++run}:`
  })
  afterEach(async () => {
    await Promise.all(connections.map((c) => c.close()))
    await Promise.all(stores.map((s) => s.close().catch(() => undefined)))
    stores = []
    connections = []
  })
  return {
    store: async (owner?: string): Promise<RedisConversationStore> => {
      const made = await RedisConversationStore.connect(redis().url, { prefix, ...(owner === undefined ? {} : { owner }) })
      stores.push(made)
      return made
    },
    connect: (store: ConversationStore, consumerId = 'alice'): Connection => {
      const made = new Connection(new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey }), { ...fastConfig, store, consumerId }, { ownsClient: true })
      connections.push(made)
      return made
    },
  }
}

describeWithRedis('RedisConversationStore on a real Redis', (redis) => {
  const use = resources(redis)
  let raw: StoreClient
  beforeAll(async () => {
    raw = await createStoreClient(redis().url)
  })
  afterAll(async () => {
    await raw.close()
  })

  it('continues a conversation on a new connection with a new client: queued lines sent, an open line settled from the log, each posted once, notifications equal the log', async () => {
    await runRestartScenario(server, () => use.store())
  })

  it('fences: a process whose lease was taken cannot overwrite the new owner’s cursor nor send a line', async () => {
    const storeA = await use.store('a')
    const a = use.connect(storeA)
    const errors: unknown[] = []
    a.errors$.subscribe((e) => errors.push(e))
    const { conversationId } = await a.requestConversation({ skillId: 'Sales' })
    const chat = server.chat(conversationId)!
    chat.accept({ name: 'Natalie', id: 7 })
    const events = new Recorder<MessagingEventChange>(a.messagingEvents$(conversationId))
    await a.publishEvent(conversationId, text('one'))

    // A's lease is revoked (as if it expired during a long pause) and B takes the chat.
    const leaseA = await storeA.acquireLease(conversationId)
    const storeB = await use.store('b')
    // Revoked and taken in one transaction: A's connection keeps writing, and a write finding its
    // lease expired with no later owner takes it back (by design), which a gap here would allow.
    const leaseKey = storeA.leaseKey(conversationId)
    await raw.multi().del(leaseKey).acquireLease(leaseKey, leaseKey.replace(/:lease$/, ':fence'), storeB.owner, storeB.leaseTtlMs).exec()
    const leaseB = await storeB.acquireLease(conversationId)
    expect(leaseB!.token).toBeGreaterThan(leaseA!.token)
    await storeB.saveCursor(leaseB!, { from: 1000, next: undefined })

    await expect(storeA.saveCursor(leaseA!, { from: 1, next: undefined })).rejects.toMatchObject({ code: 'E_LEASE_LOST' })
    const refused = await a.publishEvent(conversationId, text('two')).catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'E_CLOSED' })
    await events.done()
    expect(errors).toContainEqual(expect.objectContaining({ code: 'E_LEASE_LOST' }))
    expect(chat.visitorLines().map((l) => l['text'])).toEqual(['one'])
    expect((await storeB.loadConversation(conversationId))?.cursor).toEqual({ from: 1000 })
    // Nothing A still had pending reached the store: B's state is B's.
    const outbound = (await storeB.loadConversation(conversationId))?.outbound
    expect(outbound?.lines.map((l) => l.text)).toEqual(['one'])
  })

  it('ends a conversation: it leaves its consumer’s list, its record stays; ending is fenced', async () => {
    const storeA = await use.store('a')
    await storeA.addConversation('end-1', { chatUri: 'https://x/chat/end-1', consumerId: 'carol' })
    await storeA.addConversation('end-2', { chatUri: 'https://x/chat/end-2', consumerId: 'carol' })
    const lease = (await storeA.acquireLease('end-1'))!
    await storeA.endConversation(lease)
    expect(await storeA.conversationsOf('carol')).toEqual(['end-2'])
    expect(await storeA.loadConversation('end-1')).toMatchObject({ chatUri: 'https://x/chat/end-1' })
    expect(await raw.hGet(storeA.conversationKey('end-1'), 'ended')).toBe('1')
    // A process whose lease was taken cannot end the new owner's conversation.
    const stale = (await storeA.acquireLease('end-2'))!
    await raw.del(storeA.leaseKey('end-2'))
    const storeB = await use.store('b')
    expect(await storeB.acquireLease('end-2')).toBeDefined()
    await expect(storeA.endConversation(stale)).rejects.toMatchObject({ code: 'E_LEASE_LOST' })
    expect(await storeB.conversationsOf('carol')).toEqual(['end-2'])
  })

  it('keeps two consumers’ conversations apart: each lists its own, and one cannot read or write the other’s', async () => {
    const store = await use.store()
    const alice = use.connect(store, 'alice')
    const { conversationId } = await alice.requestConversation({ skillId: 'Sales' })
    const bob = use.connect(await use.store(), 'bob')
    const { conversationId: bobs } = await bob.requestConversation({ skillId: 'Sales' })
    expect(await store.conversationsOf('alice')).toEqual([conversationId])
    expect(await store.conversationsOf('bob')).toEqual([bobs])
    await alice.close()
    const intruder = use.connect(await use.store(), 'bob')
    await expect(intruder.publishEvent(conversationId, text('hi'))).rejects.toMatchObject({ code: 'E_UNKNOWN_CONVERSATION' })
    const read = new Recorder<MessagingEventChange>(intruder.messagingEvents$(conversationId))
    await expect(read.done()).rejects.toMatchObject({ code: 'E_UNKNOWN_CONVERSATION' })
    expect(read.values).toEqual([])
  })

  it('keeps a connection’s leases past their TTL with one renewal command per tick for all its chats', async () => {
    const store = await RedisConversationStore.connect(redis().url, { leaseTtlMs: 300, prefix: 'renew:' })
    const connection = use.connect(store)
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await connection.requestConversation({ skillId: 'Sales' })).conversationId)
    const watcher = await createStoreClient(redis().url)
    const renewals: string[][] = []
    await watcher.monitor((reply) => {
      // Only the renewal script counts: a fenced write still in flight after the requests also runs a script.
      if (reply.toLowerCase().includes(`"evalsha" "${RENEW_LEASES.SHA1}"`)) renewals.push(reply.match(/"renew:chat:[^"]+:lease"/g) ?? [])
    })
    await expect.poll(() => renewals.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(4)
    await watcher.close()
    for (const keys of renewals) expect(keys.sort()).toEqual(ids.map((id) => `"${store.leaseKey(id)}"`).sort())
    // Four renewals at a third of the TTL: longer than one TTL, and every lease is still there.
    for (const id of ids) expect(await raw.pTTL(store.leaseKey(id))).toBeGreaterThan(0)
    await connection.close()
    await store.close()
  })
})

describeWithRedis(
  'RedisConversationStore across a Redis restart (AOF)',
  (redis) => {
    const use = resources(redis)
    it('loses nothing: lines queued before Redis was killed are sent once by a connection made after it restarted', async () => {
      const store = await use.store()
      const first = use.connect(store)
      const { conversationId } = await first.requestConversation({ skillId: 'Sales' })
      const chat = server.chat(conversationId)!
      const queued = [first.publishEvent(conversationId, text('are you there?')), first.publishEvent(conversationId, text('still here'))].map((p) => p.catch(() => undefined))
      await expect.poll(async () => (await store.loadConversation(conversationId))?.outbound.lines.length).toBe(2)
      await first.close()
      await Promise.all(queued)
      await store.close()
      await redis().kill()
      await redis().start()

      const after = await use.store()
      expect(await after.loadConversation(conversationId)).toMatchObject({ consumerId: 'alice', outbound: { lines: [{ status: 'queued' }, { status: 'queued' }] } })
      expect(await after.conversationsOf('alice')).toEqual([conversationId])
      const second = use.connect(after)
      second.resumeConversation(conversationId)
      chat.accept({ name: 'Natalie', id: 7 })
      await expect.poll(async () => (await after.loadConversation(conversationId))?.outbound.lines.map((l) => l.status)).toEqual(['applied', 'applied'])
      expect(chat.visitorLines().map((l) => l['text'])).toEqual(['are you there?', 'still here'])
    })
  },
  { appendOnly: true },
)
