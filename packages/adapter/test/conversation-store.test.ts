import { VirtualTimeScheduler } from 'rxjs'
import { describe, expect, test } from 'vitest'
import type { ConversationLease, ConversationStore } from '../src/conversation-store.js'
import { LeaseKeeper } from '../src/lease-keeper.js'
import type { LegacyEvent } from '../src/legacy-contract.js'
import { MemoryConversationStore } from '../src/memory-conversation-store.js'
import { EMPTY_OUTBOUND, type OutboundRecord, queueLine, setLineStatus } from '../src/outbound-record.js'
import { resumeOutbound } from '../src/resume-outbound.js'
import { StoreWriter } from '../src/store-writer.js'

const visitorLine = (id: number, text: string): LegacyEvent => ({ id, type: 'line', source: 'visitor', text }) as unknown as LegacyEvent
const lease: ConversationLease = { conversationId: 'c', token: 1, ttlMs: Infinity }

describe('resumeOutbound', () => {
  const record = (...lines: readonly (readonly [string, OutboundRecord['lines'][number]['status']])[]): OutboundRecord =>
    lines.reduce((r, [text, status], i) => setLineStatus(queueLine(r, text), i, status === 'applied' ? { status, sequence: 100 + i } : { status }), EMPTY_OUTBOUND)

  test('keeps applied lines, settles open ones from unclaimed log lines in order, sends the rest', () => {
    const stored = record(['hi', 'applied'], ['hi', 'sending'], ['again', 'outcome-unknown'], ['later', 'queued'])
    const resumed = resumeOutbound(setLineStatus(stored, 0, { status: 'applied', sequence: 3 }), [visitorLine(3, 'hi'), visitorLine(5, 'hi')])
    expect(resumed.record.lines).toEqual([
      { id: 0, text: 'hi', status: 'applied', sequence: 3 },
      { id: 1, text: 'hi', status: 'applied', sequence: 5 },
    ])
    expect(resumed.toSend).toEqual(['again', 'later'])
    expect(resumed.unsettled).toBe(true)
  })

  test('an event already claimed by an applied line never settles a second equal line', () => {
    const stored = setLineStatus(record(['hi', 'applied'], ['hi', 'sending']), 0, { status: 'applied', sequence: 3 })
    expect(resumeOutbound(stored, [visitorLine(3, 'hi')]).toSend).toEqual(['hi'])
  })

  test('queued lines alone are sent as they are, nothing is unsettled', () => {
    expect(resumeOutbound(record(['a', 'queued'], ['b', 'queued']), [])).toEqual({ record: { ...EMPTY_OUTBOUND, nextLineId: 2 }, toSend: ['a', 'b'], unsettled: false })
  })
})

describe('StoreWriter', () => {
  /** A store whose writes wait until released, counting them. */
  function slowStore(): { store: ConversationStore; writes: unknown[]; release: () => void; refuse: (error: unknown) => void } {
    const base = new MemoryConversationStore()
    const writes: unknown[] = []
    let pending: { resolve: () => void; reject: (e: unknown) => void }[] = []
    const wait = (value: unknown): Promise<void> => {
      writes.push(value)
      return new Promise((resolve, reject) => pending.push({ resolve, reject }))
    }
    const store: ConversationStore = Object.assign(Object.create(base) as ConversationStore, {
      saveCursor: (_: ConversationLease, cursor: unknown) => wait(cursor),
      saveOutbound: (_: ConversationLease, record: unknown) => wait(record),
    })
    const settle = (f: (p: (typeof pending)[number]) => void): void => {
      const now = pending
      pending = []
      now.forEach(f)
    }
    return { store, writes, release: () => settle((p) => p.resolve()), refuse: (error) => settle((p) => p.reject(error)) }
  }

  test('one write in flight; values superseded meanwhile are never written; a cursor that did not move is not written', async () => {
    const { store, writes, release } = slowStore()
    const writer = new StoreWriter({ store, lease: () => lease, onLeaseLost: () => undefined, onError: () => undefined }, { from: 0, next: undefined })
    writer.cursor({ from: 0, next: undefined })
    expect(writes).toEqual([])
    writer.cursor({ from: 1, next: undefined })
    writer.cursor({ from: 2, next: undefined })
    writer.cursor({ from: 3, next: 'x?from=3' })
    expect(writes).toEqual([{ from: 1, next: undefined }])
    const flushed = writer.flush()
    release()
    await expect.poll(() => writes.length).toBe(2)
    expect(writes[1]).toEqual({ from: 3, next: 'x?from=3' })
    release()
    await flushed
    writer.cursor({ from: 3, next: 'x?from=3' })
    expect(writes).toHaveLength(2)
  })

  test('a write refused for a lost lease stops the writer, reports once, and fails every later flush', async () => {
    const { store, writes, refuse } = slowStore()
    const lost: unknown[] = []
    const writer = new StoreWriter({ store, lease: () => lease, onLeaseLost: (e) => lost.push(e), onError: () => undefined })
    writer.outbound(EMPTY_OUTBOUND)
    const flushed = writer.flush()
    refuse(Object.assign(new Error('lease lost'), { code: 'E_LEASE_LOST' }))
    await expect(flushed).rejects.toMatchObject({ code: 'E_LEASE_LOST' })
    writer.outbound(queueLine(EMPTY_OUTBOUND, 'x'))
    await expect(writer.flush()).rejects.toMatchObject({ code: 'E_LEASE_LOST' })
    expect(writes).toHaveLength(1)
    expect(lost).toHaveLength(1)
  })
})

describe('MemoryConversationStore', () => {
  test('keeps conversations apart by consumer, copies values, always grants its lease', async () => {
    const store = new MemoryConversationStore()
    await store.addConversation('c1', { chatUri: 'https://x/chat/c1', consumerId: 'alice' })
    await store.addConversation('c2', { chatUri: 'https://x/chat/c2', consumerId: 'bob' })
    await store.addConversation('c1', { chatUri: 'ignored', consumerId: 'bob' })
    expect(await store.conversationsOf('alice')).toEqual(['c1'])
    expect(await store.conversationsOf('bob')).toEqual(['c2'])
    const granted = await store.acquireLease('c1')
    expect(granted).toEqual({ conversationId: 'c1', token: 1, ttlMs: Infinity })
    const cursor = { from: 4, next: undefined }
    await store.saveCursor(granted!, cursor)
    const loaded = await store.loadConversation('c1')
    expect(loaded).toMatchObject({ chatUri: 'https://x/chat/c1', consumerId: 'alice', cursor: { from: 4 }, outbound: EMPTY_OUTBOUND })
    expect(loaded?.cursor).not.toBe(cursor)
    expect(await store.loadConversation('nope')).toBeUndefined()
  })

  test('an ended conversation leaves its consumer\'s list and keeps its record', async () => {
    const store = new MemoryConversationStore()
    await store.addConversation('c1', { chatUri: 'https://x/chat/c1', consumerId: 'alice' })
    await store.addConversation('c2', { chatUri: 'https://x/chat/c2', consumerId: 'alice' })
    await store.endConversation((await store.acquireLease('c1'))!)
    expect(await store.conversationsOf('alice')).toEqual(['c2'])
    expect(await store.loadConversation('c1')).toMatchObject({ chatUri: 'https://x/chat/c1' })
  })

  test('lists made after conversations were added and ended read as lists kept from the start', async () => {
    const [late, early] = [new MemoryConversationStore(), new MemoryConversationStore()]
    expect(await early.conversationsOf('alice')).toEqual([])
    for (const store of [late, early]) {
      for (const [id, consumerId] of [['c1', 'alice'], ['c2', 'bob'], ['c3', 'alice'], ['c4', undefined], ['c5', 'alice']] as const) {
        await store.addConversation(id, { chatUri: `https://x/chat/${id}`, consumerId })
      }
      for (const id of ['c3', 'c4', 'c3']) await store.endConversation((await store.acquireLease(id))!)
    }
    for (const consumer of ['alice', 'bob', 'nobody']) expect(await late.conversationsOf(consumer)).toEqual(await early.conversationsOf(consumer))
    expect(await late.conversationsOf('alice')).toEqual(['c1', 'c5'])
    await late.addConversation('c6', { chatUri: 'https://x/chat/c6', consumerId: 'alice' })
    await late.endConversation((await late.acquireLease('c1'))!)
    expect(await late.conversationsOf('alice')).toEqual(['c5', 'c6'])
    expect(await late.loadConversation('c3')).toMatchObject({ chatUri: 'https://x/chat/c3', consumerId: 'alice' })
  })

  test("a consumer's list of one, then of three, as its conversations are added and end, oldest first", async () => {
    const store = new MemoryConversationStore()
    const add = (id: string): Promise<void> => store.addConversation(id, { chatUri: `https://x/chat/${id}`, consumerId: 'alice' })
    const end = async (id: string): Promise<void> => store.endConversation((await store.acquireLease(id))!)
    await add('c1')
    expect(await store.conversationsOf('alice')).toEqual(['c1'])
    await end('c1')
    expect(await store.conversationsOf('alice')).toEqual([])
    for (const id of ['c2', 'c3', 'c4']) await add(id)
    expect(await store.conversationsOf('alice')).toEqual(['c2', 'c3', 'c4'])
    await end('c3')
    expect(await store.conversationsOf('alice')).toEqual(['c2', 'c4'])
    await end('c2')
    await end('c2')
    expect(await store.conversationsOf('alice')).toEqual(['c4'])
    await end('c4')
    expect(await store.conversationsOf('alice')).toEqual([])
    expect(await store.conversationsOf('nobody')).toEqual([])
  })
})

describe('LeaseKeeper', () => {
  test('renews every lease in one store call per tick (a third of the TTL) and reports each lost one once', async () => {
    const scheduler = new VirtualTimeScheduler()
    const calls: (readonly ConversationLease[])[] = []
    let lose: ConversationLease[] = []
    const store = Object.assign(Object.create(new MemoryConversationStore()) as ConversationStore, {
      renewLeases: (leases: readonly ConversationLease[]) => {
        calls.push(leases)
        const lost = lose
        lose = []
        return Promise.resolve(lost)
      },
    })
    scheduler.maxFrames = 0
    const keeper = new LeaseKeeper(store, scheduler, { error: () => undefined })
    const lost: string[] = []
    const leases = ['a', 'b', 'c'].map((id): ConversationLease => ({ conversationId: id, token: 1, ttlMs: 300 }))
    for (const lease of leases) keeper.add(lease, { leaseGone: () => lost.push(lease.conversationId) })
    // One tick of the timer (100 ms), then the renewal's promise settles.
    const tick = async (): Promise<void> => {
      scheduler.maxFrames += 100
      scheduler.flush()
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    await tick()
    expect(calls).toHaveLength(1)
    expect(calls[0]).toEqual(leases)
    lose = [leases[1]!]
    await tick()
    expect(calls).toHaveLength(2)
    expect(lost).toEqual(['b'])
    expect(keeper.leases.map((l) => l.conversationId)).toEqual(['a', 'c'])
    keeper.dispose()
  })

  test('a lease that never expires starts no timer and is not kept (nothing renews it)', () => {
    const scheduler = new VirtualTimeScheduler()
    const keeper = new LeaseKeeper(new MemoryConversationStore(), scheduler, { error: () => undefined })
    keeper.add({ conversationId: 'a', token: 1, ttlMs: Infinity }, { leaseGone: () => undefined })
    expect(scheduler.actions).toHaveLength(0)
    expect(keeper.leases).toEqual([])
    keeper.add({ conversationId: 'b', token: 1, ttlMs: 300 }, { leaseGone: () => undefined })
    expect(keeper.leases.map((l) => l.conversationId)).toEqual(['b'])
    keeper.dispose()
  })
})
