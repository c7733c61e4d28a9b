import { asyncScheduler } from 'rxjs'
import { describe, expect, test } from 'vitest'
import { resolveConnectionConfig } from '../src/connection-config.js'

describe('resolveConnectionConfig', () => {
  test('defaults: 500 ms chatting, 2 s waiting, a third of chatTimeout, 500 ms ×2 up to 30 s, 100 ms grace', () => {
    const config = resolveConnectionConfig()
    expect(config.poller.pacing).toEqual({ chattingMs: 500, waitingMs: 2000, keepAliveFraction: 1 / 3, minKeepAliveMs: 1000, defaultChatTimeoutS: 40 })
    expect(config.poller.backoff).toEqual({ baseMs: 500, factor: 2, maxMs: 30_000 })
    expect(config.poller.scheduler).toBe(asyncScheduler)
    expect(config.graceMs).toBe(100)
    expect(config.keepConversationsAlive).toBe(false)
    expect(config.maxCommandAttempts).toBe(5)
  })

  test('fails fast with a message that shows a correct value', () => {
    expect(() => resolveConnectionConfig({ chattingIntervalMs: -1 })).toThrow('chattingIntervalMs must be a positive number, e.g. { chattingIntervalMs: 500 }; got -1')
    expect(() => resolveConnectionConfig({ keepAliveFraction: 1.5 })).toThrow(/keepAliveFraction must be below 1/)
  })
})
