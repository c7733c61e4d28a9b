import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Gateway } from '../src/index.js'
import { accountId, testGateway } from './support/gateway-client.js'

let gateway: Gateway
beforeAll(async () => {
  gateway = await testGateway({ publicHost: 'chat.example:8443' })
})
afterAll(() => gateway.close())

const get = (path: string, init?: RequestInit): Promise<Response> => fetch(`${gateway.url}${path}`, init)

describe('the domain lookup (CSDS)', () => {
  test('one service, as JSON, answers the public host', async () => {
    const res = await get(`/csdr/account/${accountId}/service/asyncMessagingEnt/baseURI.json?version=1.0`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ service: 'asyncMessagingEnt', account: accountId, baseURI: 'chat.example:8443' })
  })

  test('all services at once', async () => {
    const res = await get(`/csdr/account/${accountId}/service/baseURI.json?version=1.0`)
    expect(await res.json()).toEqual({
      baseURIs: [
        { service: 'asyncMessagingEnt', account: accountId, baseURI: 'chat.example:8443' },
        { service: 'idp', account: accountId, baseURI: 'chat.example:8443' },
      ],
    })
  })

  test('the JSONP form is JavaScript calling the named callback', async () => {
    const res = await get(`/csdr/account/${accountId}/service/idp/baseURI.lpCsds?version=1.0&cb=lpTag.taglets.cb_1`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/)
    const script = await res.text()
    let seen: unknown
    const lpTag = { taglets: { cb_1: (value: unknown) => (seen = value) } }
    runInNewContext(script, { lpTag })
    expect(seen).toEqual({ ResultSet: { lpData: [{ lpServer: 'chat.example:8443' }] } })
  })

  test.each(['alert(1);x', 'x)//', '1abc', '', 'a..b', 'a'.repeat(129)])('a hostile callback name %j gets 400 and no script', async (cb) => {
    const res = await get(`/csdr/account/${accountId}/service/idp/baseURI.lpCsds?version=1.0&cb=${encodeURIComponent(cb)}`)
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  })

  test('an unknown service, or a service name in another case, is 404', async () => {
    expect((await get(`/csdr/account/${accountId}/service/agentVep/baseURI.json?version=1.0`)).status).toBe(404)
    expect((await get(`/csdr/account/${accountId}/service/IDP/baseURI.json?version=1.0`)).status).toBe(404)
    expect((await get(`/csdr/account/${accountId}/service/nope/baseURI.lpCsds?cb=f`)).status).toBe(404)
  })

  test('another account is 404', async () => {
    expect((await get(`/csdr/account/99999/service/idp/baseURI.json?version=1.0`)).status).toBe(404)
    expect((await get(`/api/account/99999/signup`, { method: 'POST' })).status).toBe(404)
  })
})

describe('signup', () => {
  test('POST answers a token', async () => {
    const res = await get(`/api/account/${accountId}/signup`, { method: 'POST' })
    expect(res.status).toBe(200)
    const { jwt } = (await res.json()) as { jwt: string }
    expect(jwt.split('.')).toHaveLength(3)
  })

  test('the JSONP form calls back with a token; two signups are two consumers', async () => {
    const tokens: string[] = []
    for (let i = 0; i < 2; i++) {
      const res = await get(`/api/account/${accountId}/signup.jsonp?callback=done`)
      expect(res.headers.get('content-type')).toMatch(/^application\/javascript/)
      runInNewContext(await res.text(), { done: (value: { jwt: string }) => tokens.push(value.jwt) })
    }
    const subs = tokens.map((jwt) => (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { sub: string }).sub)
    expect(new Set(subs).size).toBe(2)
  })

  test('browsers on an allowed origin may call it (CORS); others get no allow header', async () => {
    const allowed = await get(`/api/account/${accountId}/signup`, { method: 'POST', headers: { origin: 'http://localhost:3000' } })
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000')
    const foreign = await get(`/api/account/${accountId}/signup`, { method: 'POST', headers: { origin: 'https://evil.example' } })
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
    const preflight = await get(`/api/account/${accountId}/authenticate`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:5173' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST')
  })

  test('a hostile callback is 400', async () => {
    expect((await get(`/api/account/${accountId}/signup.jsonp?callback=${encodeURIComponent('x;alert(1)')}`)).status).toBe(400)
    expect((await get(`/api/account/${accountId}/signup.jsonp`)).status).toBe(400)
  })
})

describe('anything else', () => {
  test('an unknown path is 404 with a JSON body', async () => {
    const res = await get('/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { status: 404, message: 'not found' } })
  })

  test('a known path with another method is 405 naming the allowed ones', async () => {
    const res = await get(`/api/account/${accountId}/signup`)
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST, OPTIONS')
    expect((await get('/healthz', { method: 'DELETE' })).status).toBe(405)
  })

  test('the socket path without an upgrade is 426', async () => {
    expect((await get(`/ws_api/account/${accountId}/messaging/consumer?v=3`)).status).toBe(426)
  })

  test('/healthz and /readyz answer 200; /metrics is Prometheus text', async () => {
    expect((await get('/healthz')).status).toBe(200)
    expect((await get('/readyz')).status).toBe(200)
    const metrics = await (await get('/metrics')).text()
    for (const name of ['chatbridge_gateway_sockets_open', 'chatbridge_gateway_upgrades_refused_total', 'chatbridge_gateway_delivery_delay_seconds']) {
      expect(metrics).toContain(name)
    }
  })
})

test('/readyz follows the ready() hook', async () => {
  let ready = false
  const gated = await testGateway({ ready: () => Promise.resolve(ready) })
  try {
    expect((await fetch(`${gated.url}/readyz`)).status).toBe(503)
    ready = true
    expect((await fetch(`${gated.url}/readyz`)).status).toBe(200)
    expect((await fetch(`${gated.url}/healthz`)).status).toBe(200)
  } finally {
    await gated.close()
  }
})
