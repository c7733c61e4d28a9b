import { describe, expect, it } from 'vitest'
import { followRedirects } from '../../src/transport/follow-redirects.js'
import { fakeHandler, get } from './fake-handler.js'

describe('followRedirects', () => {
  it('follows a GET through relative Locations, dropping each 3xx body', async () => {
    const inner = fakeHandler((request) => (request.url.pathname === '/c' ? { status: 200 } : { status: 302, headers: { location: request.url.pathname === '/a' ? 'b' : '/c' } }))
    const response = await followRedirects(5)(inner)(get('https://x/a'))
    expect(response.status).toBe(200)
    expect(inner.requests.map((request) => request.url.href)).toEqual(['https://x/a', 'https://x/b', 'https://x/c'])
    expect(inner.discarded).toBe(2)
  })

  it('returns a POST\'s 3xx, a 3xx without Location, and the hop past the limit as they are', async () => {
    const loop = fakeHandler(() => ({ status: 307, headers: { location: '/again' } }))
    expect((await followRedirects(2)(loop)(get('https://x/a'))).status).toBe(307)
    expect(loop.requests).toHaveLength(3)
    const post = fakeHandler(() => ({ status: 303, headers: { location: '/b' } }))
    expect((await followRedirects(5)(post)({ ...get('https://x/a'), method: 'POST' })).status).toBe(303)
    expect(post.requests).toHaveLength(1)
    const bare = fakeHandler(() => ({ status: 304 }))
    expect((await followRedirects(5)(bare)(get('https://x/a'))).status).toBe(304)
  })
})
