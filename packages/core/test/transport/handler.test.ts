import { describe, expect, it } from 'vitest'
import { compose } from '../../src/transport/handler.js'
import type { Layer } from '../../src/transport/handler.js'
import { fakeHandler, get } from './fake-handler.js'

const tag = (name: string): Layer => (next) => async (request) => next({ ...request, headers: { ...request.headers, order: `${request.headers['order'] ?? ''}${name}` } })

describe('compose', () => {
  it('runs the first layer outermost: it sees the request first', async () => {
    const inner = fakeHandler()
    await compose(inner, tag('a'), tag('b'), tag('c'))(get('http://x/'))
    expect(inner.requests[0]?.headers['order']).toBe('abc')
  })

  it('with no layers is the handler itself', () => {
    const inner = fakeHandler()
    expect(compose(inner)).toBe(inner)
  })
})
