import { afterEach, beforeEach, expect, it } from 'vitest'
import { ChatLeases, type StoreClient, createStoreClient } from '../src/index.js'
import { describeWithRedis } from './support/redis-suite.js'

describeWithRedis('ChatLeases on a real Redis', (redis) => {
  let clients: StoreClient[] = []
  const client = async (): Promise<StoreClient> => {
    const made = await createStoreClient(redis().url)
    clients.push(made)
    return made
  }
  let prefix = ''
  let run = 0
  beforeEach(() => {
    prefix = `test${++run}:`
  })
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()))
    clients = []
  })

  it('gives a free chat to one owner, refuses it to another while held, and grows the token on every new lease', async () => {
    const a = new ChatLeases(await client(), { ttlMs: 60_000, prefix, owner: 'a' })
    const b = new ChatLeases(await client(), { ttlMs: 60_000, prefix, owner: 'b' })
    const first = await a.acquire('chat-1')
    expect(first).toEqual({ chatId: 'chat-1', token: 1 })
    expect(await b.acquire('chat-1')).toBeUndefined()
    // The holder asking again keeps its token.
    expect(await a.acquire('chat-1')).toEqual(first)
    expect(await a.release(first!)).toBe(true)
    const second = await b.acquire('chat-1')
    expect(second?.token).toBe(2)
    // A stale token releases nothing.
    expect(await a.release(first!)).toBe(false)
    expect(await b.acquire('chat-1')).toEqual(second)
  })

  it('lets a lease expire after its TTL, and the next owner gets a larger token; the old owner learns it lost it on renewal', async () => {
    const raw = await client()
    const a = new ChatLeases(raw, { ttlMs: 60_000, prefix, owner: 'a' })
    const b = new ChatLeases(await client(), { ttlMs: 60_000, prefix, owner: 'b' })
    const leaseA = await a.acquire('chat-2')
    // Expire it now, as the TTL would (no sleeping in tests): the key's own PEXPIRE.
    await raw.pExpire(a.leaseKey('chat-2'), 1)
    await expect.poll(async () => raw.exists(a.leaseKey('chat-2'))).toBe(0)
    const leaseB = await b.acquire('chat-2')
    expect(leaseB!.token).toBeGreaterThan(leaseA!.token)
    expect(await a.renew([leaseA!])).toEqual([leaseA])
    expect(await b.renew([leaseB!])).toEqual([])
  })

  it('takes back, with the same token, a lease that expired while nobody took it (Redis was down, the process paused)', async () => {
    const raw = await client()
    const a = new ChatLeases(raw, { ttlMs: 60_000, prefix, owner: 'a' })
    const lease = (await a.acquire('chat-3'))!
    await raw.pExpire(a.leaseKey('chat-3'), 1)
    await expect.poll(async () => raw.exists(a.leaseKey('chat-3'))).toBe(0)
    expect(await a.renew([lease])).toEqual([])
    expect(await raw.get(a.leaseKey('chat-3'))).toBe(`a ${lease.token}`)
    expect(await raw.pTTL(a.leaseKey('chat-3'))).toBeGreaterThan(50_000)
  })

  it('renews many leases in one command and reports exactly the lost ones', async () => {
    const raw = await client()
    const a = new ChatLeases(raw, { ttlMs: 5_000, prefix, owner: 'a' })
    const leases = await Promise.all(['x', 'y', 'z'].map(async (id) => (await a.acquire(id))!))
    // Another owner took it since (its fence moved on), then let it go.
    await raw.incr(a.fenceKey("y"))
    await raw.del(a.leaseKey("y"))
    const before = await scriptCalls(raw)
    const lost = await a.renew(leases)
    expect(lost.map((l) => l.chatId)).toEqual(['y'])
    // One script call renews the whole batch.
    expect((await scriptCalls(raw)) - before).toBe(1)
    expect(await raw.pTTL(a.leaseKey('x'))).toBeGreaterThan(4_000)
  })
})

/** Script calls the server has run (EVALSHA, plus EVAL when a script was not cached yet). */
async function scriptCalls(client: StoreClient): Promise<number> {
  const stats = await client.info('commandstats')
  let calls = 0
  for (const match of stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)) calls += Number(match[1])
  return calls
}
