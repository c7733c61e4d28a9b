import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { Connection } from '../src/connection.js'
import type { FakeChat} from './support/fake-chat.js';
import { FakeClient } from './support/fake-chat.js'
import { info, stateEvent } from './support/legacy-builders.js'

// A conversation's parts wired together, on vitest's fake clock: chatting 100 ms, ×2 up to 1 600 while quiet.
const pacing = { chattingIntervalMs: 100, waitingIntervalMs: 400, idleGrowth: 2, idleCeilingMs: 1600, idleSpread: false, lastSubscriberGraceMs: 0 }

/** A chat with an agent in it, whose reads are recorded (fake-clock times). */
function chattingChat(client: FakeClient, id: string): { chat: FakeChat; polls: number[] } {
  const chat = client.attach(id) as FakeChat
  chat.push(stateEvent(0, 'chatting'))
  chat.info = info({ state: 'chatting', agentId: 'a-7' })
  const polls: number[] = []
  const read = chat.snapshot.bind(chat)
  chat.snapshot = (options) => (polls.push(Date.now()), read(options))
  return { chat, polls }
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('openConversation', () => {
  test.each([
    ['sending a line', { type: 'ContentEvent', contentType: 'text/plain', message: 'still there?' }],
    ['typing', { type: 'ChatStateEvent', chatState: 'COMPOSING' }],
  ] as const)('the visitor %s brings the next poll back to the fast pace after a quiet stretch', async (_, event) => {
    const client = new FakeClient()
    const { polls } = chattingChat(client, 'c1')
    const connection = new Connection(client, pacing)
    const subscription = connection.messagingEvents$('c1').subscribe()
    await vi.advanceTimersByTimeAsync(3000)
    // 100 after the state became known, then 200, 400, 800, 1 600: quiet, so the waits stretched.
    expect(polls).toEqual([0, 100, 300, 700, 1500])
    await vi.advanceTimersByTimeAsync(200)
    // The ceiling: 1 500 + 1 600; the next is due at 4 700.
    expect(polls.at(-1)).toBe(3100)
    await connection.publishEvent('c1', event)
    const sentAt = Date.now()
    await vi.advanceTimersByTimeAsync(1000)
    // Without the visitor's activity the next poll would be at 4 700.
    expect(polls.filter((t) => t > 3100)[0]).toBe(sentAt + 100)
    subscription.unsubscribe()
    await connection.close()
  })

  test('a line whose POST is refused with a long Retry-After is tried again within the keep-alive cap', async () => {
    const client = new FakeClient()
    const { chat } = chattingChat(client, 'c2')
    const tries: number[] = []
    const addLine = chat.addLine.bind(chat)
    chat.addLine = (text) => {
      tries.push(Date.now())
      if (tries.length === 1) return Promise.reject(Object.assign(new Error('too many requests'), { code: 'E_HTTP', status: 429, retryAfterMs: 600_000 }))
      return addLine(text)
    }
    // chatTimeout 6 s: no wait may exceed a third of it (2 s), though backoff alone would allow 30 s.
    const connection = new Connection(client, { ...pacing, interactionTimeoutS: 6 })
    const subscription = connection.messagingEvents$('c2').subscribe()
    const sent = connection.publishEvent('c2', { type: 'ContentEvent', contentType: 'text/plain', message: 'hello' })
    await vi.advanceTimersByTimeAsync(2000)
    expect(tries).toHaveLength(2)
    await expect(sent).resolves.toEqual({ sequence: expect.any(Number) })
    expect((tries[1] ?? Infinity) - (tries[0] ?? 0)).toBeLessThanOrEqual(2000)
    subscription.unsubscribe()
    await connection.close()
  })
})
