// The store's orphan index on a real Redis: open conversations whose lease is free, bounded per call, ended ones dropped.
import { afterEach, expect, it } from 'vitest'
import { RedisConversationStore } from '../src/index.js'
import { describeWithRedis } from './support/redis-suite.js'

let run = 0
const stores: RedisConversationStore[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()))
})

describeWithRedis('RedisConversationStore.orphanedConversations', (redis) => {
  async function store(prefix: string, options: { readonly owner?: string; readonly orphanScanBudget?: number } = {}): Promise<RedisConversationStore> {
    const made = await RedisConversationStore.connect(redis().url, { prefix, leaseTtlMs: 60_000, ...options })
    stores.push(made)
    return made
  }
  /** Every orphan one walk of the open set finds: calls until the walk came round twice with nothing new. */
  async function walk(on: RedisConversationStore, limit: number, calls: number): Promise<string[]> {
    const seen = new Set<string>()
    for (let i = 0; i < calls; i++) for (const id of await on.orphanedConversations(limit)) seen.add(id)
    return [...seen].sort()
  }
  const add = (on: RedisConversationStore, id: string, consumerId: string | undefined) => on.addConversation(id, { chatUri: `https://x/chats/${id}`, consumerId })

  it('lists open conversations whose lease is free, not the held or ended ones', async () => {
    const prefix = `orph${++run}:`
    const a = await store(prefix, { owner: 'a' })
    const b = await store(prefix, { owner: 'b' })
    for (const id of ['c1', 'c2', 'c3', 'c4']) await add(a, id, 'alice')
    // No consumer: nothing a gateway could adopt, so never indexed.
    await add(a, 'anon', undefined)
    expect(await walk(b, 10, 1)).toEqual(['c1', 'c2', 'c3', 'c4'])

    const held = await a.acquireLease('c1')
    const ending = await a.acquireLease('c2')
    expect(held).toBeDefined()
    expect(ending).toBeDefined()
    if (ending !== undefined) await a.endConversation(ending)
    if (ending !== undefined) await a.releaseLease(ending)
    expect(await walk(b, 10, 1)).toEqual(['c3', 'c4'])

    // A lease given up (a graceful shutdown) makes its conversation an orphan again.
    if (held !== undefined) await a.releaseLease(held)
    expect(await walk(b, 10, 1)).toEqual(['c1', 'c3', 'c4'])
    // Adding it again keeps the ended one ended.
    await add(a, 'c2', 'alice')
    expect(await walk(b, 10, 1)).toEqual(['c1', 'c3', 'c4'])
  })

  it('lists at most `limit` a call, and the walk goes on across calls to cover them all', async () => {
    const prefix = `orph${++run}:`
    const a = await store(prefix, { owner: 'a', orphanScanBudget: 7 })
    const ids = Array.from({ length: 300 }, (_, i) => `k${String(i).padStart(3, '0')}`)
    for (const id of ids) await add(a, id, `consumer${id}`)
    const sizes: number[] = []
    const seen = new Set<string>()
    for (let i = 0; i < 200 && seen.size < ids.length; i++) {
      const found = await a.orphanedConversations(5)
      sizes.push(found.length)
      for (const id of found) seen.add(id)
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5)
    expect([...seen].sort()).toEqual(ids)
  })

  it('lists nothing for a limit of 0, and none once every lease is held', async () => {
    const prefix = `orph${++run}:`
    const a = await store(prefix, { owner: 'a' })
    await add(a, 'x1', 'alice')
    expect(await a.orphanedConversations(0)).toEqual([])
    expect(await a.acquireLease('x1')).toBeDefined()
    expect(await walk(a, 10, 2)).toEqual([])
  })
})
