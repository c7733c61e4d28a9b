import { AbortedError, ChatGoneError, DecodeError, HttpError, NetworkError, TimeoutError } from '@chatbridge/core'
import { describe, expect, test } from 'vitest'
import { AdapterError } from '../src/adapter-error.js'
import { conversationOnStop, decidePollFailure, serverAnswered } from '../src/poll-stop-decision.js'

const backoff = { baseMs: 500, factor: 2, maxMs: 30_000 }
const half = (): number => 0.5
const http = (status: number, internalCode?: number): HttpError =>
  new HttpError({ status, method: 'GET', uri: 'http://chat.test/chat/c1', ...(internalCode === undefined ? {} : { internalCode }) })
const network = new NetworkError({ method: 'GET', uri: 'u', outcomeUnknown: false })
const quiet = { attempt: 0, silentMs: 0, chatTimeoutMs: 40_000 }
const silent = { attempt: 3, silentMs: 40_001, chatTimeoutMs: 40_000 }

describe('decidePollFailure', () => {
  test.each([
    ['a network error', network, quiet, { retry: true, retryInMs: 250 }],
    ['a timeout', new TimeoutError({ method: 'GET', uri: 'u', timeoutMs: 10 }), quiet, { retry: true, retryInMs: 250 }],
    ['a 503', http(503), quiet, { retry: true, retryInMs: 250 }],
    ['a decode error', new DecodeError({ path: 'p', uri: 'u', status: 200, format: 'json', detail: 'd' }), quiet, { retry: true, retryInMs: 250 }],
    ['a network error, silent exactly chatTimeout', network, { ...quiet, silentMs: 40_000 }, { retry: true, retryInMs: 250 }],
    ['a 401', http(401), quiet, { retry: false, reason: 'refused' }],
    ['a 400', http(400), silent, { retry: false, reason: 'refused' }],
    ['a 404 internalCode 12', http(404, 12), quiet, { retry: false, reason: 'chat-gone' }],
    ['a ChatGoneError', new ChatGoneError({ status: 404, internalCode: 12, method: 'GET', uri: 'u' }), silent, { retry: false, reason: 'chat-gone' }],
    ['an abort', new AbortedError({ method: 'GET', uri: 'u' }), quiet, { retry: false, reason: 'aborted' }],
    ['a bug', new TypeError('bug'), quiet, { retry: false, reason: 'unexpected' }],
  ] as const)('%s → %j', (_, error, facts, expected) => {
    const decision = decidePollFailure(error, facts, backoff, half)
    expect(decision).toMatchObject(expected)
    if (!decision.retry) expect(decision.error).toBe(error)
  })

  test('a retryable failure after more than chatTimeout of silence stops as server-silent, not chat-gone', () => {
    const decision = decidePollFailure(network, silent, backoff, half)
    expect(decision).toMatchObject({ retry: false, reason: 'server-silent' })
    if (decision.retry) return
    expect(decision.error).toBeInstanceOf(AdapterError)
    expect(decision.error).toMatchObject({ code: 'E_POLL_FAILED', cause: network })
    expect((decision.error as Error).message).toContain("longer than the chat's 40 s timeout")
  })
})

describe('serverAnswered', () => {
  test.each([
    [http(503), true],
    [http(404, 12), true],
    [network, false],
    [new TypeError('bug'), false],
  ] as const)('%s → %s', (error, expected) => {
    expect(serverAnswered(error)).toBe(expected)
  })
})

describe('conversationOnStop', () => {
  test.each([
    ['ended', 'complete'],
    ['chat-gone', 'close'],
    ['server-silent', 'close'],
    ['refused', 'fail'],
    ['unexpected', 'fail'],
    ['aborted', 'fail'],
  ] as const)('%s → %s', (reason, expected) => {
    expect(conversationOnStop(reason)).toBe(expected)
  })
})
