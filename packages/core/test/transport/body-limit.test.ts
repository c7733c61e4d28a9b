import { describe, expect, it } from 'vitest'
import { BodyTooLargeError } from '@chatbridge/core'
import { bodyLimit } from '../../src/transport/body-limit.js'
import { fakeHandler, get, textOf } from './fake-handler.js'

describe('bodyLimit', () => {
  it('refuses a declared Content-Length over the limit before reading, and drops the body', async () => {
    const inner = fakeHandler(() => ({ headers: { 'content-length': '11' }, body: 'x'.repeat(11) }))
    const error: unknown = await bodyLimit(10)(inner)(get('https://x/a?appKey=s3cret')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BodyTooLargeError)
    expect((error as BodyTooLargeError).limitBytes).toBe(10)
    expect((error as BodyTooLargeError).uri).not.toContain('s3cret')
    expect(inner.discarded).toBe(1)
  })

  it('cuts a streamed body off as soon as it passes the limit', async () => {
    const inner = fakeHandler(() => ({ body: ['12345', '67890', 'x', 'never read'] }))
    const response = await bodyLimit(10)(inner)(get('https://x/a'))
    await expect(textOf(response)).rejects.toBeInstanceOf(BodyTooLargeError)
    expect(inner.discarded).toBe(1)
  })

  it('passes a body at the limit unchanged', async () => {
    const inner = fakeHandler(() => ({ headers: { 'content-length': '10' }, body: ['12345', '67890'] }))
    expect(await textOf(await bodyLimit(10)(inner)(get('https://x/a')))).toBe('1234567890')
  })
})
