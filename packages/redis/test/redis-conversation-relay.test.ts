import { RequestRefusedError, type RelayCommand, type RelayPage, relayedError } from '@chatbridge/adapter'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { RedisConversationRelay, type RedisConversationRelayOptions, type StoreClient, createStoreClient } from '../src/index.js'
import { describeWithRedis } from './support/redis-suite.js'

const line = (id: number, text: string) => ({ type: 'line', id, time: undefined, by: 'Agent', source: 'agent', text, subType: 'REGULAR', textType: 'plain' }) as unknown as RelayPage['events'][number]
const page = (from: number, ids: readonly number[]): RelayPage => ({ from, events: ids.map((id) => line(id, `line ${id}`)), info: undefined })

describeWithRedis('RedisConversationRelay on a real Redis', (redis) => {
  let relays: RedisConversationRelay[] = []
  let clients: StoreClient[] = []
  let prefix = ''
  let run = 0
  beforeEach(() => {
    prefix = `relay${++run}:`
  })
  afterEach(async () => {
    await Promise.all(relays.map((r) => r.close()))
    await Promise.all(clients.map((c) => c.close()))
    relays = []
    clients = []
  })
  const relay = async (options: RedisConversationRelayOptions = {}): Promise<RedisConversationRelay> => {
    const made = await RedisConversationRelay.connect(redis().url, { prefix, ...options })
    relays.push(made)
    return made
  }
  const rawClient = async (): Promise<StoreClient> => {
    const made = await createStoreClient(redis().url)
    clients.push(made)
    return made
  }
  const never = new AbortController().signal

  it('marks consumers present in one command, seen by another process until the TTL runs out', async () => {
    const here = await relay()
    const there = await relay()
    const raw = await rawClient()
    await raw.sendCommand(['CONFIG', 'RESETSTAT'])
    await here.markPresent(['x', 'y', 'z'], 60_000)
    const commandStats = async (): Promise<string> => {
      const reply: unknown = await raw.sendCommand(['INFO', 'commandstats'])
      return typeof reply === 'string' ? reply : Buffer.isBuffer(reply) ? reply.toString('utf8') : ''
    }
    const stats = await commandStats()
    // One round trip however many consumers: a single EVAL, its SETs run inside it.
    expect(stats).toMatch(/cmdstat_eval:calls=1,/)
    for (const consumerId of ['x', 'y', 'z']) {
      const left = await there.presence(consumerId)
      expect(left).toBeGreaterThan(50_000)
      expect(left).toBeLessThanOrEqual(60_000)
    }
    expect(await there.presence('w')).toBe(0)
    await here.markPresent([], 60_000)
    expect(await commandStats()).toMatch(/cmdstat_eval:calls=1,/)
    // A mark that ran out is no presence (a TTL of 0 deletes the key at once).
    await raw.sendCommand(['PEXPIRE', `${prefix}present:x`, '0'])
    expect(await there.presence('x')).toBe(0)
    expect(await there.presence('y')).toBeGreaterThan(0)
  })

  it('reads the pages in the order they were published, from the oldest kept or after a position', async () => {
    const holder = await relay()
    const follower = await relay()
    await holder.publish('c1', page(0, [0, 1]))
    await holder.publish('c1', page(2, [2]))
    await holder.publish('c1', page(3, [3, 4]))
    await holder.publish('other', page(0, [0]))
    const all = await follower.read('c1', undefined, never)
    expect(all.map((entry) => entry.page)).toEqual([page(0, [0, 1]), page(2, [2]), page(3, [3, 4])])
    const after = await follower.read('c1', all[0]!.position, never)
    expect(after.map((entry) => entry.page.from)).toEqual([2, 3])
  })

  it('wakes a blocked read when a page is published, and an aborted read resolves with none', async () => {
    const holder = await relay()
    const follower = await relay({ blockMs: 30_000 })
    const reading = follower.read('c1', '0', never)
    // The read is blocked on its own connection: the holder's publish is what ends it.
    await vi.waitFor(async () => expect(await blockedClients(await rawClient())).toBe(1))
    await holder.publish('c1', page(0, [0]))
    expect((await reading).map((entry) => entry.page)).toEqual([page(0, [0])])
    const controller = new AbortController()
    const aborted = follower.read('c1', (await reading)[0]!.position, controller.signal)
    controller.abort()
    expect(await aborted).toEqual([])
  })

  it('keeps only the latest pages: a follower starting after a trim sees a first page from past its cursor (the gap it must close)', async () => {
    const holder = await relay({ maxPages: 10 })
    for (let id = 0; id < 300; id += 1) await holder.publish('c1', page(id, [id]))
    const kept = await holder.read('c1', undefined, never)
    expect(kept[0]!.page.from).toBeGreaterThan(0)
    // What is kept is contiguous and in order up to the last page.
    const rest = await holder.read('c1', kept.at(-1)!.position, never)
    const froms = [...kept, ...rest].map((entry) => entry.page.from)
    expect(froms.at(-1)).toBe(299)
    expect(froms).toEqual(froms.map((_, i) => froms[0]! + i))
  })

  it('runs a forwarded command on the serving process and brings its answer back, a refusal with its status and body', async () => {
    const holder = await relay({ blockMs: 200 })
    const follower = await relay()
    const seen: RelayCommand[] = []
    const stop = holder.serve('c1', (command) => {
      seen.push(command)
      if (command.kind === 'close') return Promise.reject(new RequestRefusedError(409, 'not now', { body: { conversationId: 'c1', message: 'not now' } }))
      return Promise.resolve({ sequence: 7 })
    })
    const event = { type: 'ContentEvent', contentType: 'text/plain', message: 'hello' } as const
    expect(await follower.forward('c1', { kind: 'publishEvent', event })).toEqual({ ok: true, value: { sequence: 7 } })
    const refused = await follower.forward('c1', { kind: 'close' })
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    const error = relayedError(refused.error)
    expect(error).toBeInstanceOf(RequestRefusedError)
    expect(error).toMatchObject({ status: 409, body: { conversationId: 'c1', message: 'not now' } })
    expect(seen).toEqual([{ kind: 'publishEvent', event }, { kind: 'close' }])
    stop()
  })

  it('runs a command sent while nobody served the conversation (a hand-over) once the new holder serves it; two holders never both run it', async () => {
    const follower = await relay({ forwardTimeoutMs: 5_000 })
    const checker = await rawClient()
    const answered = follower.forward('c1', { kind: 'setVisitorName', name: 'Bea' })
    await vi.waitFor(async () => expect(await checker.sendCommand(['XLEN', `${prefix}cmd:c1`])).toBe(1))
    const seen: string[] = []
    const a = await relay({ blockMs: 200 })
    const b = await relay({ blockMs: 200 })
    a.serve('c1', () => (seen.push('a'), Promise.resolve('from a')))
    b.serve('c1', () => (seen.push('b'), Promise.resolve('from b')))
    const answer = await answered
    expect(answer.ok).toBe(true)
    expect(seen).toHaveLength(1)
    // A later command is run once too, by whichever holder claims it first.
    expect((await follower.forward('c1', { kind: 'close' })).ok).toBe(true)
    expect(seen).toHaveLength(2)
  })

  it('does not run a command sent before anyone served it: its sender timed out with the outcome unknown', async () => {
    const holder = await relay({ blockMs: 200 })
    const follower = await relay({ forwardTimeoutMs: 200 })
    await expect(follower.forward('c1', { kind: 'close' })).rejects.toMatchObject({ code: 'E_OUTCOME_UNKNOWN' })
    const seen: RelayCommand[] = []
    holder.serve('c1', (command) => {
      seen.push(command)
      return Promise.resolve(null)
    })
    const second = await relay()
    expect(await second.forward('c1', { kind: 'setVisitorName', name: 'Ann' })).toEqual({ ok: true, value: null })
    expect(seen).toEqual([{ kind: 'setVisitorName', name: 'Ann' }])
  })

  it('leaves no connection open once closed, with a read and a serve loop blocked at the time', async () => {
    const checker = await rawClient()
    const before = await connectedClients(checker)
    const made = await RedisConversationRelay.connect(redis().url, { prefix, blockMs: 30_000 })
    const reading = made.read('c1', '$', never)
    made.serve('c2', () => Promise.resolve(null))
    await vi.waitFor(async () => expect(await blockedClients(checker)).toBe(2))
    await made.close()
    expect(await reading).toEqual([])
    await vi.waitFor(async () => expect(await connectedClients(checker)).toBe(before))
  })
})

async function clientList(client: StoreClient): Promise<string[]> {
  const list: unknown = await client.sendCommand(['CLIENT', 'LIST'])
  return (typeof list === 'string' ? list : Buffer.isBuffer(list) ? list.toString('utf8') : '').trim().split('\n')
}

async function connectedClients(client: StoreClient): Promise<number> {
  return (await clientList(client)).length
}

async function blockedClients(client: StoreClient): Promise<number> {
  return (await clientList(client)).filter((entry) => / flags=b /.test(entry)).length
}
