import { pollClock } from '../src/poll-clock.js'
import { describe, expect, test } from 'vitest'
import { resolveConnectionOptions } from '../src/connection-options.js'
import { MemoryConversationStore } from '../src/memory-conversation-store.js'

describe('resolveConnectionOptions', () => {
  test('defaults: 500 ms chatting, 2 s waiting, a third of chatTimeout, 500 ms ×2 up to 30 s, 100 ms grace', () => {
    const config = resolveConnectionOptions()
    expect(config.poller.pacing).toEqual({ chattingMs: 500, waitingMs: 2000, keepAliveFraction: 1 / 3, minKeepAliveMs: 1000, defaultChatTimeoutS: 40, idleGrowth: 2.5 })
    expect(config.eventLogLimit).toBe(50)
    expect(config.poller.backoff).toEqual({ baseMs: 500, factor: 2, maxMs: 30_000 })
    expect(config.poller.scheduler).toBe(pollClock)
    expect(config.graceMs).toBe(100)
    expect(config.keepConversationsAlive).toBe(false)
    expect(config.maxCommandAttempts).toBe(5)
  })

  test('fails fast with an E_INVALID_CONFIG whose message shows a correct call', () => {
    expect(() => resolveConnectionOptions({ chattingIntervalMs: -1 })).toThrow(
      'chattingIntervalMs must be a positive number, e.g. { chattingIntervalMs: 500 } as the options of new Connection(client, options) or createMessagingSocket(options); got -1',
    )
    expect(() => resolveConnectionOptions({ lastSubscriberGraceMs: -1 })).toThrow('lastSubscriberGraceMs must be 0 or more, e.g. { lastSubscriberGraceMs: 100 } as the options of new Connection(client, options) or createMessagingSocket(options); got -1')
    expect(() => resolveConnectionOptions({ keepAliveFraction: 1.5 })).toThrow('keepAliveFraction must be below 1, e.g. { keepAliveFraction: 1 / 3 } as the options of new Connection(client, options) or createMessagingSocket(options); got 1.5')
    expect(() => resolveConnectionOptions({ backoffFactor: Number.NaN })).toThrow(expect.objectContaining({ name: 'AdapterError', code: 'E_INVALID_CONFIG' }))
  })

  test('pacing by activity and the event log are set per connection, validated like the rest', () => {
    const config = resolveConnectionOptions({ idleGrowth: 1, idleCeilingMs: 2000, eventLogLimit: 10 })
    expect(config.poller.pacing).toMatchObject({ idleGrowth: 1, idleCeilingMs: 2000 })
    // The spread of the first wait at the ceiling is on unless turned off (see idleSpreadMs).
    expect(resolveConnectionOptions({ idleSpread: false }).poller.pacing.idleSpread).toBe(false)
    expect(resolveConnectionOptions({ idleSpread: true }).poller.pacing).toBe(resolveConnectionOptions().poller.pacing)
    expect(config.eventLogLimit).toBe(10)
    expect(() => resolveConnectionOptions({ idleGrowth: 0.5 })).toThrow('idleGrowth must be 1 or more, e.g. { idleGrowth: 2.5 }')
    expect(() => resolveConnectionOptions({ idleCeilingMs: 0 })).toThrow(expect.objectContaining({ code: 'E_INVALID_CONFIG', message: expect.stringContaining('idleCeilingMs must be a positive number') }))
    expect(() => resolveConnectionOptions({ eventLogLimit: 2.5 })).toThrow(expect.objectContaining({ code: 'E_INVALID_CONFIG', message: expect.stringContaining('eventLogLimit must be a positive integer') }))
  })

  test('connections on one client with one limit share its poll gate; another client or limit has its own', () => {
    const client = {}
    const shared = resolveConnectionOptions({}, client).poller.gate
    expect(resolveConnectionOptions({ maxPollsInFlight: 64 }, client).poller.gate).toBe(shared)
    expect(resolveConnectionOptions({ maxPollsInFlight: 8 }, client).poller.gate).not.toBe(shared)
    expect(resolveConnectionOptions({ maxPollsInFlight: 8 }, client).poller.gate?.limit).toBe(8)
    expect(resolveConnectionOptions({}, {}).poller.gate).not.toBe(shared)
    expect(resolveConnectionOptions({}).poller.gate).not.toBe(shared)
  })

  test('without a client, each resolution has its own poll gate: 64 polls in flight by default, or maxPollsInFlight (a positive integer)', () => {
    const a = resolveConnectionOptions()
    const b = resolveConnectionOptions({ maxPollsInFlight: 8 })
    expect(a.poller.gate?.limit).toBe(64)
    expect(b.poller.gate?.limit).toBe(8)
    expect(a.poller.gate).not.toBe(resolveConnectionOptions().poller.gate)
    expect(() => resolveConnectionOptions({ maxPollsInFlight: 1.5 })).toThrow(expect.objectContaining({ code: 'E_INVALID_CONFIG', message: expect.stringContaining('maxPollsInFlight must be a positive integer') }))
    expect(() => resolveConnectionOptions({ maxPollsInFlight: 0 })).toThrow(expect.objectContaining({ code: 'E_INVALID_CONFIG', message: expect.stringContaining('maxPollsInFlight must be a positive number') }))
  })
  test('connections resolving equal pacing and backoff share them; different ones get their own, with their values', () => {
    const one = resolveConnectionOptions({ chattingIntervalMs: 700, idleCeilingMs: 2000 })
    const two = resolveConnectionOptions({ chattingIntervalMs: 700, idleCeilingMs: 2000 })
    expect(two.poller.pacing).toBe(one.poller.pacing)
    expect(two.poller.backoff).toBe(one.poller.backoff)
    const other = resolveConnectionOptions({ chattingIntervalMs: 700 })
    expect(other.poller.pacing).not.toBe(one.poller.pacing)
    expect(other.poller.pacing).toEqual({ ...one.poller.pacing, idleCeilingMs: undefined })
    expect(Object.keys(other.poller.pacing)).not.toContain('idleCeilingMs')
    expect(resolveConnectionOptions({ backoffMaxMs: 9000 }).poller.backoff).toEqual({ baseMs: 500, factor: 2, maxMs: 9000 })
  })
  test('connections resolving equal options share them, whatever their store or consumer; other options get their own', () => {
    const client = {}
    const one = resolveConnectionOptions({ store: new MemoryConversationStore(), chattingIntervalMs: 700, consumerId: 'alice' }, client)
    expect(resolveConnectionOptions({ store: new MemoryConversationStore(), chattingIntervalMs: 700, consumerId: 'bob' }, client)).toBe(one)
    expect(resolveConnectionOptions({ chattingIntervalMs: 700 }, client)).toBe(one)
    expect(Object.keys(one)).not.toContain('store')
    const other = resolveConnectionOptions({ chattingIntervalMs: 800 }, client)
    expect(other).not.toBe(one)
    expect(other.poller.pacing.chattingMs).toBe(800)
    expect(resolveConnectionOptions({ chattingIntervalMs: 700 }, {})).not.toBe(one)
  })
})
