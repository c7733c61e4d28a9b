import { ChatGoneError, DecodeError, HttpError, NetworkError, TimeoutError, AbortedError } from '@chatbridge/core'
import { describe, expect, test } from 'vitest'
import { decideRetry } from '../src/retry-decision.js'

const config = { baseMs: 500, factor: 2, maxMs: 30_000 }
const half = (): number => 0.5
const http = (status: number, extra: { internalCode?: number; retryAfterMs?: number } = {}): HttpError =>
  new HttpError({ status, method: 'GET', uri: 'http://chat.test/chat/c1', ...extra })

describe('decideRetry', () => {
  test('network errors, timeouts, 5xx, 429 and decode errors are retried with full jitter', () => {
    const network = new NetworkError({ method: 'GET', uri: 'u', outcomeUnknown: false })
    expect(decideRetry(network, 0, config, half)).toEqual({ retry: true, retryInMs: 250 })
    expect(decideRetry(new TimeoutError({ method: 'GET', uri: 'u', timeoutMs: 10 }), 1, config, half)).toEqual({ retry: true, retryInMs: 500 })
    expect(decideRetry(http(503), 2, config, half)).toEqual({ retry: true, retryInMs: 1000 })
    expect(decideRetry(http(429), 0, config, () => 0)).toEqual({ retry: true, retryInMs: 0 })
    const decode = new DecodeError({ path: 'chat', uri: 'u', status: 200, format: 'json', detail: 'x' })
    expect(decideRetry(decode, 0, config, half)).toEqual({ retry: true, retryInMs: 250 })
  })

  test('the ceiling grows by the factor up to maxMs', () => {
    expect(decideRetry(http(500), 20, config, () => 0.999999)).toEqual({ retry: true, retryInMs: 29_999 })
  })

  test('Retry-After is a floor', () => {
    expect(decideRetry(http(429, { retryAfterMs: 7000 }), 0, config, half)).toEqual({ retry: true, retryInMs: 7000 })
    expect(decideRetry(http(503, { retryAfterMs: 100 }), 3, config, half)).toEqual({ retry: true, retryInMs: 2000 })
  })

  test('other 4xx are not retried; chat gone gives up with its own reason', () => {
    expect(decideRetry(http(400), 0, config, half)).toEqual({ retry: false, reason: 'refused' })
    expect(decideRetry(http(401), 0, config, half)).toEqual({ retry: false, reason: 'refused' })
    expect(decideRetry(new ChatGoneError({ status: 404, internalCode: 12, method: 'GET', uri: 'u' }), 0, config, half)).toEqual({
      retry: false,
      reason: 'chat-gone',
    })
    expect(decideRetry(http(404, { internalCode: 12 }), 0, config, half)).toEqual({ retry: false, reason: 'chat-gone' })
    expect(decideRetry(new AbortedError({ method: 'GET', uri: 'u' }), 0, config, half)).toEqual({ retry: false, reason: 'aborted' })
    expect(decideRetry(new TypeError('bug'), 0, config, half)).toEqual({ retry: false, reason: 'unexpected' })
  })
})
