import { describe, expect, it } from 'vitest'
import { AbortedError, HttpError, NetworkError } from '@chatbridge/core'
import { networkErrors, networkFailure } from '../../src/transport/network-errors.js'
import { get, readerOf } from './fake-handler.js'

const withCode = (code: string): Error => Object.assign(new Error(`failed: ${code}`), { code })

describe('networkErrors', () => {
  it('a failure before the request went out is not an unknown outcome; one after may have been applied', async () => {
    const refused = await networkErrors()(() => Promise.reject(new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') })))(get('https://x/a')).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(NetworkError)
    expect(refused).toMatchObject({ outcomeUnknown: false, method: 'GET', uri: 'https://x/a' })
    expect((refused as Error).message).toContain('ECONNREFUSED')
    expect(networkFailure(withCode('ECONNRESET'), 'POST', new URL('https://x/a'), false)).toMatchObject({ outcomeUnknown: true })
    expect(networkFailure(new Error('odd'), 'GET', new URL('https://x/a'), false).message).toContain('odd')
    expect(networkFailure(withCode('ECONNREFUSED'), 'GET', new URL('https://x/a'), true)).toMatchObject({ outcomeUnknown: true })
  })

  it('a closed client is an abort; typed errors pass unchanged', () => {
    expect(networkFailure(withCode('UND_ERR_DESTROYED'), 'GET', new URL('https://x/a'), false)).toBeInstanceOf(AbortedError)
    const typed = new HttpError({ status: 500, method: 'GET', uri: 'https://x/a' })
    expect(networkFailure(typed, 'GET', new URL('https://x/a'), false)).toBe(typed)
  })

  it('maps a failure while the body streams as responded', async () => {
    const response = await networkErrors()((request) =>
      Promise.resolve({ status: 200, url: request.url, header: () => null, discard: () => undefined, read: readerOf([], withCode('ECONNREFUSED')) }),
    )(get('https://x/a'))
    const error = await response.read(100).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'E_NETWORK', outcomeUnknown: true })
  })
})
