import { describe, expect, it } from 'vitest'
import { ForeignOriginError } from '@chatbridge/core'
import { isAllowedTarget, originGuard, originPolicy } from '../../src/transport/origin-guard.js'
import { fakeHandler, get } from './fake-handler.js'

const policy = originPolicy(new URL('https://va.example/api/account/1'), ['https://lo.example:8443/ignored/path'])

describe('the origin policy', () => {
  it.each([
    ['https://va.example/api/account/1', true],
    ['https://va.example/api/account/1/chat/H1', true],
    ['https://va.example/api/account/10/chat/H1', false],
    ['https://va.example/api/account/2/chat/H1', false],
    ['https://va.example/admin', false],
    ['http://va.example/api/account/1/chat/H1', false],
    ['https://lo.example:8443/anywhere', true],
    ['https://lo.example/anywhere', false],
    ['https://evil.example/api/account/1', false],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
  ])('%s allowed: %s', (href, allowed) => {
    expect(isAllowedTarget(new URL(href), policy)).toBe(allowed)
  })

  it('a root at / allows the whole home origin', () => {
    expect(isAllowedTarget(new URL('https://va.example/any'), originPolicy(new URL('https://va.example/')))).toBe(true)
  })
})

describe('originGuard', () => {
  it('refuses before anything is sent, naming the resource the URI was found in', async () => {
    const inner = fakeHandler()
    const via = new URL('https://va.example/api/account/1/chat/H1')
    const error: unknown = await originGuard(policy)(inner)(get('https://evil.example/x?appKey=s3cret', { via })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ForeignOriginError)
    expect((error as ForeignOriginError).resource).toBe(via.href)
    expect((error as ForeignOriginError).href).not.toContain('s3cret')
    expect(inner.requests).toHaveLength(0)
  })

  it('passes allowed requests on unchanged', async () => {
    const inner = fakeHandler()
    const request = get('https://lo.example:8443/x')
    await originGuard(policy)(inner)(request)
    expect(inner.requests).toEqual([request])
  })
})
