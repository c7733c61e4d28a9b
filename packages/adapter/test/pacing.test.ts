import { describe, expect, test } from 'vitest'
import { backoffWaitMs, keepAliveCapMs, pollIntervalMs } from '../src/pacing.js'

const config = { chattingMs: 500, waitingMs: 2000, keepAliveFraction: 1 / 3, minKeepAliveMs: 1000, defaultChatTimeoutS: 40 }

describe('pacing', () => {
  test('fast while chatting, slower while waiting or unknown', () => {
    expect(pollIntervalMs({ chatState: 'chatting', chatTimeoutS: 40 }, config)).toBe(500)
    expect(pollIntervalMs({ chatState: 'waiting', chatTimeoutS: 40 }, config)).toBe(2000)
    expect(pollIntervalMs({ chatState: undefined, chatTimeoutS: undefined }, config)).toBe(2000)
  })

  test('never slower than a third of chatTimeout, with a floor', () => {
    expect(keepAliveCapMs({ chatState: 'waiting', chatTimeoutS: 3 }, config)).toBe(1000)
    expect(pollIntervalMs({ chatState: 'waiting', chatTimeoutS: 3 }, config)).toBe(1000)
    // The floor never reaches half the timeout: a 1 s chat is polled at least every 500 ms.
    expect(keepAliveCapMs({ chatState: 'waiting', chatTimeoutS: 1 }, config)).toBe(500)
    expect(keepAliveCapMs({ chatState: 'waiting', chatTimeoutS: undefined }, config)).toBe(13_333)
  })

  test('backoff is capped by the keep-alive limit too', () => {
    expect(backoffWaitMs(30_000, { chatState: 'chatting', chatTimeoutS: 40 }, config)).toBe(13_333)
    expect(backoffWaitMs(700, { chatState: 'chatting', chatTimeoutS: 40 }, config)).toBe(700)
  })
})
