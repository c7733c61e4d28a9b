import { describe, expect, test } from 'vitest'
import { backoffWaitMs, idleSpreadMs, keepAliveCapMs, nextPollWaitMs, pacingInputOf, pollIntervalMs } from '../src/pacing.js'

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

describe('nextPollWaitMs', () => {
  const chatting = { chatState: 'chatting', chatTimeoutS: 40 }
  test('the state interval after activity or on the first poll', () => {
    expect(nextPollWaitMs(chatting, { active: true, lastWaitMs: 3000 }, config)).toBe(500)
    expect(nextPollWaitMs(chatting, { active: false, lastWaitMs: undefined }, config)).toBe(500)
    expect(nextPollWaitMs({ chatState: 'waiting', chatTimeoutS: 40 }, { active: true, lastWaitMs: 500 }, config)).toBe(2000)
  })

  test('stretches ×2.5 by default up to 7 × chattingMs (3.5 s) while quiet, never below the state interval', () => {
    expect(nextPollWaitMs(chatting, { active: false, lastWaitMs: 500 }, config)).toBe(1250)
    expect(nextPollWaitMs(chatting, { active: false, lastWaitMs: 1250 }, config)).toBe(3125)
    expect(nextPollWaitMs(chatting, { active: false, lastWaitMs: 3125 }, config)).toBe(3500)
    // Waiting stretches from its own interval (2 s), to the same ceiling.
    expect(nextPollWaitMs({ chatState: 'waiting', chatTimeoutS: 40 }, { active: false, lastWaitMs: 500 }, config)).toBe(3500)
    expect(nextPollWaitMs(chatting, { active: false, lastWaitMs: 40 }, { ...config, chattingMs: 20 })).toBe(100)
    expect(nextPollWaitMs(chatting, { active: false, lastWaitMs: 100 }, { ...config, chattingMs: 20 })).toBe(140)
    expect(nextPollWaitMs(chatting, { active: false, lastWaitMs: 500 }, { ...config, idleCeilingMs: 100 })).toBe(500)
  })

  test('configurable, capped by the keep-alive limit', () => {
    expect(nextPollWaitMs(chatting, { active: false, lastWaitMs: 500 }, { ...config, idleGrowth: 1 })).toBe(500)
    expect(nextPollWaitMs(chatting, { active: false, lastWaitMs: 8000 }, { ...config, idleGrowth: 2, idleCeilingMs: 60_000 })).toBe(13_333)
    expect(nextPollWaitMs({ chatState: 'chatting', chatTimeoutS: 3 }, { active: false, lastWaitMs: 900 }, config)).toBe(1000)
  })
})

describe('idleSpreadMs', () => {
  const chatting = { chatState: 'chatting', chatTimeoutS: 40 }
  const waiting = { chatState: 'waiting', chatTimeoutS: 40 }
  const quiet = (lastWaitMs: number | undefined) => ({ active: false, lastWaitMs })
  test('the first wait at the ceiling comes a random share of (ceiling − interval) sooner', () => {
    expect(idleSpreadMs(chatting, quiet(3125), 3500, config, () => 0)).toBe(0)
    expect(idleSpreadMs(chatting, quiet(3125), 3500, config, () => 0.5)).toBe(1500)
    // Never below the state's interval: at most 3 000 sooner than 3 500 while chatting, 1 500 while waiting.
    expect(idleSpreadMs(chatting, quiet(3125), 3500, config, () => 0.999_999)).toBe(2999)
    expect(idleSpreadMs(waiting, quiet(2000), 3500, config, () => 0.999_999)).toBe(1499)
  })

  test('no other wait is spread: at the ceiling already, below it, after activity, the first poll, or turned off', () => {
    const half = (): number => 0.5
    expect(idleSpreadMs(chatting, quiet(3500), 3500, config, half)).toBeUndefined()
    expect(idleSpreadMs(chatting, quiet(1250), 3125, config, half)).toBeUndefined()
    expect(idleSpreadMs(chatting, { active: true, lastWaitMs: 3125 }, 500, config, half)).toBeUndefined()
    expect(idleSpreadMs(chatting, quiet(undefined), 500, config, half)).toBeUndefined()
    expect(idleSpreadMs(chatting, quiet(3125), 3500, { ...config, idleSpread: false }, half)).toBeUndefined()
    // No span to spread over: a ceiling at (or capped to) the state's interval.
    expect(idleSpreadMs(chatting, quiet(400), 500, { ...config, idleCeilingMs: 100 }, half)).toBeUndefined()
    expect(idleSpreadMs({ chatState: 'chatting', chatTimeoutS: 1 }, quiet(400), 500, config, half)).toBeUndefined()
  })
})

describe('pacingInputOf', () => {
  test('chats in one state with one timeout share their input; any other pair gets its own, with its values', () => {
    const chatting = pacingInputOf('chatting', 40)
    expect(pacingInputOf(['chat', 'ting'].join(''), 40)).toBe(chatting)
    expect(pacingInputOf('chatting', 60)).toEqual({ chatState: 'chatting', chatTimeoutS: 60 })
    expect(pacingInputOf('chatting', undefined)).not.toBe(chatting)
    // The state "undefined" is not the state unknown, though they would read alike.
    expect(pacingInputOf('undefined', 40)).toEqual({ chatState: 'undefined', chatTimeoutS: 40 })
    expect(pacingInputOf(undefined, 40)).toEqual({ chatState: undefined, chatTimeoutS: 40 })
  })

  test('keeps at most 64 pairs, however many states a server makes up', () => {
    for (let i = 0; i < 200; i += 1) expect(pacingInputOf(`state-${i}`, 40)).toEqual({ chatState: `state-${i}`, chatTimeoutS: 40 })
    expect(pacingInputOf('state-199', 40)).not.toBe(pacingInputOf('state-199', 40))
  })
})
