import { describe, expect, it } from 'vitest'
import { versionParameters, withVersion, withoutVersion } from '../../src/transport/version-parameters.js'
import { fakeHandler, get } from './fake-handler.js'

describe('versionParameters', () => {
  it('adds v=1 and NC=true, keeping the query and any version the link carries', () => {
    expect(withVersion(new URL('https://x/a?from=3')).href).toBe('https://x/a?from=3&v=1&NC=true')
    expect(withVersion(new URL('https://x/a?v=2')).href).toBe('https://x/a?v=2&NC=true')
  })

  it('reads the same whether the query is appended to as text or rewritten as parameters', () => {
    const slow = (href: string): string => {
      const url = new URL(href)
      if (!url.searchParams.has('v')) url.searchParams.set('v', '1')
      if (!url.searchParams.has('NC')) url.searchParams.set('NC', 'true')
      return url.href
    }
    const queries = ['', '?', '?from=4', '?from=4&x=', '?a_b.c-d*=1', '?from=4#top', '?q=a b', '?q=a+b', '?q=%41', '?x', '?x=1&&y=2', '?v=1', '?NC=true', '?nv=1', '?from=4&v=2', '?q=~', '?q=é']
    for (const query of queries) expect(withVersion(new URL(`https://x/api/chat/H1${query}`)).href).toBe(slow(`https://x/api/chat/H1${query}`))
  })

  it('sends them on every request and takes them off the Location it hands back, made absolute', async () => {
    const inner = fakeHandler(() => ({ status: 201, headers: { location: 'chat/H1?v=1&NC=true&keep=1', 'content-type': 'application/json' } }))
    const response = await versionParameters()(inner)(get('https://x/api/account/1/'))
    expect(inner.requests[0]?.url.href).toBe('https://x/api/account/1/?v=1&NC=true')
    expect(response.header('Location')).toBe('https://x/api/account/1/chat/H1?keep=1')
    expect(response.header('content-type')).toBe('application/json')
    expect(withoutVersion(new URL('https://x/a?v=1&b=2')).href).toBe('https://x/a?b=2')
  })
})
