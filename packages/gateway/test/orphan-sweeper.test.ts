// The orphan sweep's decisions (pure) and its pacing, leasing and error path (fake timers, a store port stand-in).
import { type ConversationLease, MemoryConversationStore } from '@chatbridge/adapter'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startOrphanSweeper, sweepDecision, sweepPace } from '../src/orphan-sweeper.js'

/** A dialog's end, as the sweep follows it. */
class Dialog {
  #observer: { complete(): void; error(): void } | undefined
  get observed(): boolean {
    return this.#observer !== undefined
  }
  subscribe(observer: { complete(): void; error(): void }) {
    this.#observer = observer
    return { unsubscribe: () => (this.#observer = undefined) }
  }
  complete(): void {
    this.#observer?.complete()
  }
  error(): void {
    this.#observer?.error()
  }
}

describe('sweepDecision', () => {
  it('takes a chat only once it was seen free for the grace, and forgets one no longer listed', () => {
    const first = sweepDecision(new Map(), ['a', 'b'], 1_000, 300)
    expect(first.adopt).toEqual([])
    expect([...first.firstSeen]).toEqual([['a', 1_000], ['b', 1_000]])
    const second = sweepDecision(first.firstSeen, ['a', 'b', 'c'], 1_299, 300)
    expect(second.adopt).toEqual([])
    // 'b' got an owner in between: not listed, forgotten; listed again later, its grace starts over.
    const third = sweepDecision(second.firstSeen, ['a', 'c'], 1_300, 300)
    expect(third.adopt).toEqual(['a'])
    expect([...third.firstSeen]).toEqual([['c', 1_299]])
    expect(sweepDecision(third.firstSeen, ['b'], 1_700, 300).adopt).toEqual([])
  })

  it('paces a sweep at TTL/6 with a grace of TTL/3, longer than the TTL/4 a reconnecting consumer retries at', () => {
    const { periodMs, graceMs } = sweepPace(1_200)
    expect(periodMs).toBe(200)
    expect(graceMs).toBe(400)
    expect(graceMs).toBeGreaterThan(1_200 / 4)
  })
})

/** A store whose orphans the test sets; leases granted unless `held`. */
class SweptStore extends MemoryConversationStore {
  orphans: readonly string[] = []
  failing: Error | undefined
  held = new Set<string>()
  listings = 0
  endFails: Error | undefined
  readonly released: string[] = []
  readonly ended: string[] = []
  override endConversation(lease: ConversationLease): Promise<void> {
    if (this.endFails !== undefined) return Promise.reject(this.endFails)
    this.ended.push(`${lease.conversationId}#${lease.token}`)
    return Promise.resolve()
  }
  override orphanedConversations(): Promise<readonly string[]> {
    this.listings += 1
    return this.failing === undefined ? Promise.resolve(this.orphans) : Promise.reject(this.failing)
  }
  override acquireLease(conversationId: string): Promise<ConversationLease | undefined> {
    return this.held.has(conversationId) ? Promise.resolve(undefined) : super.acquireLease(conversationId)
  }
  override releaseLease(lease?: ConversationLease): Promise<void> {
    this.released.push(lease?.conversationId ?? '')
    return Promise.resolve()
  }
}

describe('startOrphanSweeper', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  async function setUp(accept = true) {
    const store = new SweptStore()
    for (const id of ['c1', 'c2', 'c3']) await store.addConversation(id, { chatUri: `https://x/${id}`, consumerId: `consumer-${id}` })
    const adopted: string[] = []
    const errors: Error[] = []
    const dialogs = new Map<string, Dialog>()
    const registry = {
      adopt: (consumerId: string, conversationId: string) => {
        adopted.push(`${consumerId}/${conversationId}`)
        const dialog = new Dialog()
        dialogs.set(conversationId, dialog)
        return accept ? { messagingEvents$: () => dialog } : undefined
      },
      reportStoreError: (error: Error) => errors.push(error),
    }
    const sweeper = startOrphanSweeper({ store, registry, leaseTtlMs: 600 })
    return { store, adopted, errors, sweeper, dialogs }
  }

  it('adopts, after the grace, each orphan whose lease it takes, and stops on close', async () => {
    const { store, adopted, sweeper } = await setUp()
    store.orphans = ['c1', 'c2']
    store.held.add('c2')
    await vi.advanceTimersByTimeAsync(100)
    expect(store.listings).toBe(1)
    await vi.advanceTimersByTimeAsync(100)
    expect(adopted).toEqual([])
    await vi.advanceTimersByTimeAsync(100)
    // Another process won c2's lease: skipped.
    expect(adopted).toEqual(['consumer-c1/c1'])
    await sweeper.close()
    const listings = store.listings
    await vi.advanceTimersByTimeAsync(1_000)
    expect(store.listings).toBe(listings)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('ends an adopted chat in the store once its dialog ends, and not after close', async () => {
    const { store, dialogs, errors, sweeper } = await setUp()
    store.orphans = ['c1', 'c2', 'c3']
    await vi.advanceTimersByTimeAsync(300)
    store.orphans = []
    expect(dialogs.get('c3')?.observed).toBe(true)
    dialogs.get('c1')?.complete()
    await vi.advanceTimersByTimeAsync(0)
    expect(store.ended).toEqual(['c1#1'])
    // A lease lost meanwhile: the new owner decides, nothing to report.
    store.endFails = Object.assign(new Error('lost'), { code: 'E_LEASE_LOST' })
    dialogs.get('c2')?.error()
    await vi.advanceTimersByTimeAsync(0)
    expect(errors).toEqual([])
    store.endFails = undefined
    await sweeper.close()
    // The chats still open stay open: a gateway closing ends nothing.
    expect(dialogs.get('c3')?.observed).toBe(false)
    dialogs.get('c3')?.complete()
    await vi.advanceTimersByTimeAsync(0)
    expect(store.ended).toEqual(['c1#1'])
  })

  it('gives the lease back when the registry cannot adopt', async () => {
    const { store, adopted, sweeper } = await setUp(false)
    store.orphans = ['c3']
    await vi.advanceTimersByTimeAsync(300)
    expect(adopted).toEqual(['consumer-c3/c3'])
    expect(store.released).toEqual(['c3'])
    await sweeper.close()
  })

  it('tells the registry of a store failure and sweeps on', async () => {
    const { store, errors, adopted, sweeper } = await setUp()
    store.failing = new Error('Redis away')
    await vi.advanceTimersByTimeAsync(200)
    expect(errors.map((e) => e.message)).toEqual(['Redis away', 'Redis away'])
    store.failing = undefined
    store.orphans = ['c1']
    await vi.advanceTimersByTimeAsync(300)
    expect(adopted).toEqual(['consumer-c1/c1'])
    await sweeper.close()
  })
})
