import { HttpError, LegacyInternalCode, NetworkError, TimeoutError } from '@chatbridge/core'
import { describe, expect, test } from 'vitest'
import { info, snapshot, stateEvent } from './support/legacy-builders.js'
import { cappedWaitMs, chatGone, chatIsOver, decideEndFailure, decideLineFailure, decideLookFailure, provenNotApplied } from '../src/outbound-failure-decision.js'

const backoff = { baseMs: 2, factor: 2, maxMs: 10 }
const facts = (attempt: number) => ({ attempt, maxAttempts: 4, backoff, random: () => 0.5 })
const http = (status: number, internalCode?: number): HttpError =>
  new HttpError({ status, method: 'POST', uri: 'http://chat.test/chat/c1/events', ...(internalCode === undefined ? {} : { internalCode }) })
const notSent = new NetworkError({ method: 'POST', uri: 'u', outcomeUnknown: false })
const mayBeSent = new NetworkError({ method: 'POST', uri: 'u', outcomeUnknown: true })
const timeout = new TimeoutError({ method: 'POST', uri: 'u', timeoutMs: 10 })

describe('provenNotApplied', () => {
  test.each([
    ['a 400', http(400), true],
    ['a 403', http(403), true],
    ['a request that never left', notSent, true],
    ['a reset after sending', mayBeSent, false],
    ['a timeout', timeout, false],
    ['a 503', http(503), false],
    ['a bug', new TypeError('bug'), false],
  ] as const)('%s → %s', (_, error, expected) => {
    expect(provenNotApplied(error)).toBe(expected)
  })
})

describe('decideLineFailure', () => {
  test.each([
    ['400/5 not in chat', http(400, LegacyInternalCode.NotInChat), 0, { action: 'await-agent', retryInMs: 2 }],
    ['400/5 not in chat, last try', http(400, LegacyInternalCode.NotInChat), 3, { action: 'give-up', lookFirst: false }],
    ['another 4xx', http(403), 0, { action: 'give-up', lookFirst: false }],
    ['a request that never left', notSent, 1, { action: 'resend', lookFirst: false, retryInMs: 2 }],
    ['a timeout', timeout, 0, { action: 'resend', lookFirst: true, retryInMs: 1 }],
    ['a 503', http(503), 2, { action: 'resend', lookFirst: true, retryInMs: 4 }],
    ['a 503, last try', http(503), 3, { action: 'give-up', lookFirst: true }],
    ['a bug', new TypeError('bug'), 0, { action: 'give-up', lookFirst: true }],
  ] as const)('%s (attempt %#) → %j', (_, error, attempt, expected) => {
    expect(decideLineFailure(error, facts(attempt))).toEqual(expected)
  })
})

describe('decideEndFailure', () => {
  test.each([
    ['a 400 on a retry: the first try was applied', http(400), 1, { action: 'done' }],
    ['a 400 on the first try: refused', http(400), 0, { action: 'give-up', refused: true }],
    ['a 503', http(503), 0, { action: 'retry', retryInMs: 1 }],
    ['a timeout: ending twice is harmless', timeout, 1, { action: 'retry', retryInMs: 2 }],
    ['a 503, last try', http(503), 3, { action: 'give-up', refused: false }],
    ['a bug', new TypeError('bug'), 0, { action: 'give-up', refused: false }],
  ] as const)('%s → %j', (_, error, attempt, expected) => {
    expect(decideEndFailure(error, facts(attempt))).toEqual(expected)
  })
})

describe('decideLookFailure', () => {
  test.each([
    ['a 503', http(503), 0, { retry: true, retryInMs: 1 }],
    ['a 503, last try', http(503), 3, { retry: false }],
    ['a 403', http(403), 0, { retry: false }],
  ] as const)('%s → %j', (_, error, attempt, expected) => {
    expect(decideLookFailure(error, facts(attempt))).toEqual(expected)
  })
})

describe('a Retry-After is capped', () => {
  const aDay = 86_400_000
  const slowDown = (status: number): HttpError => new HttpError({ status, method: 'POST', uri: 'http://chat.test/chat/c1/events', retryAfterMs: aDay })

  test('by the backoff maximum, on every kind of wait', () => {
    expect(decideLineFailure(slowDown(429), facts(0))).toEqual({ action: 'resend', lookFirst: false, retryInMs: backoff.maxMs })
    expect(decideLineFailure(slowDown(503), facts(0))).toEqual({ action: 'resend', lookFirst: true, retryInMs: backoff.maxMs })
    expect(decideEndFailure(slowDown(503), facts(0))).toEqual({ action: 'retry', retryInMs: backoff.maxMs })
    expect(decideLookFailure(slowDown(503), facts(0))).toEqual({ retry: true, retryInMs: backoff.maxMs })
  })

  test('and by maxWaitMs (the keep-alive limit) when it is lower', () => {
    expect(decideLineFailure(slowDown(429), { ...facts(0), maxWaitMs: 3 })).toEqual({ action: 'resend', lookFirst: false, retryInMs: 3 })
    expect(cappedWaitMs(aDay, { backoff, maxWaitMs: 20 })).toBe(backoff.maxMs)
    expect(cappedWaitMs(-1, { backoff })).toBe(0)
  })

  test('a shorter Retry-After still wins over a shorter backoff', () => {
    const soon = new HttpError({ status: 429, method: 'POST', uri: 'u', retryAfterMs: 7 })
    expect(decideLineFailure(soon, facts(0))).toEqual({ action: 'resend', lookFirst: false, retryInMs: 7 })
  })
})

describe('chatIsOver and chatGone', () => {
  test('over when info says ended or the events hold the ended state', () => {
    expect(chatIsOver(snapshot([], info({ state: 'ended' })))).toBe(true)
    expect(chatIsOver(snapshot([stateEvent(4, 'ended')], info({ state: 'chatting' })))).toBe(true)
    expect(chatIsOver(snapshot([stateEvent(4, 'chatting')], info({ state: 'chatting' })))).toBe(false)
    expect(chatIsOver(snapshot([], undefined))).toBe(false)
  })

  test('gone on 404 internalCode 12 only', () => {
    expect(chatGone(http(404, LegacyInternalCode.ChatNotFound))).toBe(true)
    expect(chatGone(http(404))).toBe(false)
    expect(chatGone(timeout)).toBe(false)
  })
})
