import { describe, expect, test } from 'vitest'
import type { ConversationLease } from '../src/conversation-store.js'
import { MemoryConversationStore } from '../src/memory-conversation-store.js'
import { EMPTY_OUTBOUND, OutboundLedger } from '../src/outbound-record.js'
import { cursorHolder } from '../src/poll-cursor.js'
import { StoreWriter } from '../src/store-writer.js'

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
const owner = { onLeaseLost: (): undefined => undefined, onError: (): undefined => undefined }

describe('StoreWriter as the watcher of both holders', () => {
  test("writes each holder's changes through its own kind of write", async () => {
    const store = new RecordingStore()
    const writer = new StoreWriter(store, lease, owner)
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
    const writer = new StoreWriter(store, lease, owner)
    writer.cursor({ from: 3, next: 'http://x/chat/c1?from=3' })
    await writer.flush()
    writer.cursor({ from: 3, next: `http://x/chat/c1?from=${String(3)}` })
    writer.cursor({ from: 2, next: undefined })
    await writer.flush()
    expect(store.writes).toEqual(['cursor 3'])
  })
})
