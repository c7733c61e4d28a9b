import { describe, expect, it } from 'vitest'
import { ChatGoneError, HttpError, LegacyInternalCode } from '@chatbridge/core'
import { httpError, retryAfterMs } from '../../src/transport/http-error.js'

const answer = (status: number, headers: Record<string, string> = {}) => ({ status, url: new URL('https://x/a?appKey=s3cret'), header: (name: string) => headers[name] ?? null })

describe('httpError', () => {
  it('reads the legacy error body; 404 with ChatNotFound is ChatGoneError', () => {
    const gone = httpError(answer(404), 'GET', { error: { message: 'gone', internalCode: String(LegacyInternalCode.ChatNotFound) } })
    expect(gone).toBeInstanceOf(ChatGoneError)
    expect(gone).toMatchObject({ status: 404, internalCode: 12, serverMessage: 'gone' })
    expect(gone.uri).not.toContain('s3cret')
    const refused = httpError(answer(400), 'POST', { error: { internalCode: LegacyInternalCode.NotInChat } })
    expect(refused).not.toBeInstanceOf(ChatGoneError)
    expect(refused).toMatchObject({ code: 'E_HTTP', internalCode: 5 })
    expect(httpError(answer(500), 'GET', 'not an object')).toMatchObject({ internalCode: undefined, serverMessage: undefined })
    expect(httpError(answer(404), 'GET', { error: { internalCode: 'x' } })).toBeInstanceOf(HttpError)
  })

  it('Retry-After as delta-seconds or an HTTP date', () => {
    expect(httpError(answer(503, { 'retry-after': '2' }), 'GET', undefined).retryAfterMs).toBe(2_000)
    const now = Date.parse('2024-01-01T00:00:00Z')
    expect(retryAfterMs('Mon, 01 Jan 2024 00:00:05 GMT', now)).toBe(5_000)
    expect(retryAfterMs('Sun, 31 Dec 2023 00:00:05 GMT', now)).toBe(0)
    expect(retryAfterMs('soon', now)).toBeUndefined()
    expect(retryAfterMs(null, now)).toBeUndefined()
  })
})
