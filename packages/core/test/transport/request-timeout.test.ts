import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AbortedError, TimeoutError } from '@chatbridge/core'
import type { Handler } from '../../src/transport/handler.js'
import { requestTimeout } from '../../src/transport/request-timeout.js'
import { get, responseOf } from './fake-handler.js'

/** Answers never, until the signal it was given fires. */
const hanging: Handler = (request) =>
  new Promise((_, reject) => {
    if (request.signal?.aborted === true) reject(new Error('aborted below'))
    request.signal?.addEventListener('abort', () => reject(new Error('aborted below')), { once: true })
  })

describe('requestTimeout', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('fails with TimeoutError after the transport timeout, or the request’s own', async () => {
    const slow = requestTimeout(1_000)(hanging)(get('https://x/a'))
    const expectation = expect(slow).rejects.toBeInstanceOf(TimeoutError)
    await vi.advanceTimersByTimeAsync(1_000)
    await expectation
    const own = requestTimeout(1_000)(hanging)(get('https://x/a', { timeoutMs: 50 })).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(50)
    expect(await own).toMatchObject({ code: 'E_TIMEOUT', timeoutMs: 50 })
  })

  it("fails with AbortedError when the caller's signal fires, even before the call", async () => {
    const controller = new AbortController()
    const pending = requestTimeout(1_000)(hanging)(get('https://x/a', { signal: controller.signal })).catch((e: unknown) => e)
    controller.abort()
    expect(await pending).toBeInstanceOf(AbortedError)
    const early = await requestTimeout(1_000)(hanging)(get('https://x/a', { signal: AbortSignal.abort() })).catch((e: unknown) => e)
    expect(early).toBeInstanceOf(AbortedError)
  })

  it('keeps covering the body, and stops the timer once the body was read', async () => {
    const stalled: Handler = (request) =>
      Promise.resolve({
        ...responseOf(request.url, {}),
        read: () => new Promise((_, reject) => request.signal?.addEventListener('abort', () => reject(new Error('cut')), { once: true })),
      })
    const response = await requestTimeout(100)(stalled)(get('https://x/a'))
    const read = response.read(100).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(100)
    expect(await read).toBeInstanceOf(TimeoutError)

    const quick = await requestTimeout(100)((request) => Promise.resolve(responseOf(request.url, { body: 'ok' })))(get('https://x/a'))
    expect(await quick.read(100)).toEqual(new TextEncoder().encode('ok'))
    expect(vi.getTimerCount()).toBe(0)
  })
})
