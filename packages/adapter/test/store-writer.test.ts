import { VirtualTimeScheduler } from 'rxjs'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { ConversationLease, ConversationStore } from '../src/conversation-store.js'
import { MemoryConversationStore } from '../src/memory-conversation-store.js'
import { EMPTY_OUTBOUND, OutboundLedger } from '../src/outbound-record.js'
import { cursorHolder } from '../src/poll-cursor.js'
import { StoreWriter, type StoreWriterOwner } from '../src/store-writer.js'

// A memory store that records each write, in order.
class RecordingStore extends MemoryConversationStore {
  readonly writes: string[] = []
  override saveCursor(...args: Parameters<MemoryConversationStore['saveCursor']>): Promise<void> {
    this.writes.push(`cursor ${args[1].from}`)
    return super.saveCursor(...args)
  }
  override saveOutbound(...args: Parameters<MemoryConversationStore['saveOutbound']>): Promise<void> {
    this.writes.push(`outbound ${args[1].nextLineId}`)
    return super.saveOutbound(...args)
  }
}

const lease: ConversationLease = { conversationId: 'c1', token: 1, ttlMs: Infinity }
// A conversation's part: the writer reads the store and the lease from its owner.
const ownerOf = (store: ConversationStore, more: Partial<StoreWriterOwner> = {}): StoreWriterOwner => ({ store, lease: () => lease, onLeaseLost: () => undefined, onError: () => undefined, ...more })

describe('StoreWriter as the watcher of both holders', () => {
  test("writes each holder's changes through its own kind of write", async () => {
    const store = new RecordingStore()
    const writer = new StoreWriter(ownerOf(store))
    const cursor = cursorHolder()
    const ledger = new OutboundLedger(EMPTY_OUTBOUND)
    cursor.watch(writer)
    ledger.watch(writer)
    cursor.set({ from: 3, next: 'http://x/chat/c1?from=3' })
    ledger.queue('hi')
    await writer.flush()
    expect(store.writes).toEqual(['cursor 3', 'outbound 1'])
  })

  test('a cursor equal to the written one (a new object, the same place) is not written again', async () => {
    const store = new RecordingStore()
    const writer = new StoreWriter(ownerOf(store))
    writer.cursor({ from: 3, next: 'http://x/chat/c1?from=3' })
    await writer.flush()
    writer.cursor({ from: 3, next: `http://x/chat/c1?from=${String(3)}` })
    writer.cursor({ from: 2, next: undefined })
    await writer.flush()
    expect(store.writes).toEqual(['cursor 3'])
  })
})

describe("StoreWriter on its owner's store and lease", () => {
  test("each write is fenced by the owner's lease, read when it writes; none held yet keeps the values, as a failure does", async () => {
    const store = new RecordingStore()
    const fenced: ConversationLease[] = []
    const save = store.saveCursor.bind(store)
    store.saveCursor = (under, cursor) => (fenced.push(under), save(under, cursor))
    const held: { lease?: ConversationLease } = {}
    const errors: unknown[] = []
    const writer = new StoreWriter(ownerOf(store, { lease: () => held.lease, onError: (e) => errors.push(e) }))
    writer.cursor({ from: 1, next: undefined })
    await expect(writer.flush()).rejects.toThrow('no lease')
    expect(store.writes).toEqual([])
    expect(errors).toHaveLength(1)
    held.lease = lease
    await writer.flush()
    expect(store.writes).toEqual(['cursor 1'])
    expect(fenced).toEqual([lease])
  })
})

describe('StoreWriter after a failed write', () => {
  // A recording store that refuses every write while `down` (the store unreachable, not the lease lost).
  class FlakyStore extends RecordingStore {
    down = true
    override saveCursor(...args: Parameters<MemoryConversationStore['saveCursor']>): Promise<void> {
      const saved = super.saveCursor(...args)
      return this.down ? Promise.reject(new Error('unreachable')) : saved
    }
  }
  // Until the writer is idle again (its failed write reported, the drain's end run): fake timers run
  // every reaction pending before them, and no real time passes.
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())
  const settled = async (): Promise<void> => {
    await vi.runAllTimersAsync()
  }

  test('reports to onError and writes the latest value again after retryMs; a change meanwhile writes at once', async () => {
    const store = new FlakyStore()
    const errors: unknown[] = []
    const scheduler = new VirtualTimeScheduler()
    const writer = new StoreWriter(ownerOf(store, { onError: (e) => errors.push(e), retryTiming: { retryMs: 100, scheduler } }))
    writer.cursor({ from: 1, next: undefined })
    await settled()
    writer.cursor({ from: 2, next: undefined })
    await settled()
    expect(store.writes).toEqual(['cursor 1', 'cursor 2'])
    expect(errors).toHaveLength(2)
    store.down = false
    scheduler.flush()
    await writer.flush()
    expect(store.writes).toEqual(['cursor 1', 'cursor 2', 'cursor 2'])
    scheduler.flush()
    await writer.flush()
    expect(store.writes).toHaveLength(3)
  })

  test('flush rejects on the failure and tries once more; stop() cancels the pending retry', async () => {
    const store = new FlakyStore()
    const scheduler = new VirtualTimeScheduler()
    const writer = new StoreWriter(ownerOf(store, { retryTiming: { retryMs: 100, scheduler } }))
    writer.cursor({ from: 1, next: undefined })
    await expect(writer.flush()).rejects.toThrow('unreachable')
    expect(store.writes).toEqual(['cursor 1', 'cursor 1'])
    writer.stop()
    store.down = false
    scheduler.flush()
    await settled()
    expect(store.writes).toHaveLength(2)
    // A stopped writer still writes what is pending when flushed.
    await writer.flush()
    expect(store.writes).toHaveLength(3)
    await writer.flush()
    expect(store.writes).toHaveLength(3)
  })
})
