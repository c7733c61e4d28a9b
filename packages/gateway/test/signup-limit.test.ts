import { runInNewContext } from 'node:vm'
import { afterEach, describe, expect, test } from 'vitest'
import type { Gateway } from '../src/index.js'
import { clientAddress, SignupLimit } from '../src/signup-limit.js'
import { accountId, testGateway } from './support/gateway-client.js'
import { type RawResponse, rawRequest } from './support/raw-request.js'

let gateway: Gateway | undefined
afterEach(() => gateway?.close())

/** One request from `localAddress` (any 127.0.0.0/8 address reaches the loopback listener). */
function from(localAddress: string, path: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  if (gateway === undefined) throw new Error('no gateway')
  return rawRequest(gateway.url, path, { ...init, localAddress })
}

const signup = `/api/account/${accountId}/signup`

describe('signup is rate-limited per client address', () => {
  test('a flood from one address gets 429 (JSON and JSONP) while another address still signs up', async () => {
    gateway = await testGateway({ signupBurst: 3, signupsPerSecond: 0.001 })
    const flood = []
    for (let i = 0; i < 5; i++) flood.push(await from('127.0.0.2', signup, { method: 'POST' }))
    expect(flood.map((r) => r.status)).toEqual([200, 200, 200, 429, 429])
    const refused = flood[4]
    expect(JSON.parse(refused?.body ?? '')).toEqual({ error: { status: 429, message: 'too many signups from this address; wait and retry' } })
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1)

    const jsonp = await from('127.0.0.2', `${signup}.jsonp?callback=done`)
    expect(jsonp.status).toBe(429)
    expect(jsonp.headers['content-type']).toMatch(/^application\/javascript/)
    let called: unknown
    runInNewContext(jsonp.body, { done: (value: unknown) => (called = value) })
    expect(called).toEqual({ error: { status: 429, message: 'too many signups from this address; wait and retry' } })

    const other = await from('127.0.0.3', signup, { method: 'POST' })
    expect(other.status).toBe(200)
    expect(JSON.parse(other.body)).toHaveProperty('jwt')
  })

  test('X-Forwarded-For is ignored unless the peer is a trusted proxy', async () => {
    gateway = await testGateway({ signupBurst: 1, signupsPerSecond: 0.001 })
    const spoofed = [
      await from('127.0.0.4', signup, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.1' } }),
      await from('127.0.0.4', signup, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.2' } }),
    ]
    expect(spoofed.map((r) => r.status)).toEqual([200, 429])
  })

  test('behind a trusted proxy, each forwarded client has its own limit', async () => {
    gateway = await testGateway({ signupBurst: 1, signupsPerSecond: 0.001, trustedProxies: ['127.0.0.5'] })
    const via = (client: string) => from('127.0.0.5', signup, { method: 'POST', headers: { 'x-forwarded-for': client } })
    expect([(await via('203.0.113.1')).status, (await via('203.0.113.1')).status, (await via('203.0.113.2')).status]).toEqual([200, 429, 200])
  })

  test('a wrong trustedProxies entry is an options error', async () => {
    await expect(testGateway({ trustedProxies: ['proxy.example'] })).rejects.toMatchObject({ code: 'E_GATEWAY_OPTIONS' })
  })
})

describe('SignupLimit', () => {
  test('refills at its rate', () => {
    let now = 0
    const limit = new SignupLimit({ perSecond: 1, burst: 1, maxAddresses: 10, now: () => now })
    expect([limit.take('a'), limit.take('a')]).toEqual([true, false])
    now += 1000
    expect(limit.take('a')).toBe(true)
  })

  test('a flood of distinct addresses never grows the map past its bound, and forgets the least recently seen', () => {
    const limit = new SignupLimit({ perSecond: 0.001, burst: 1, maxAddresses: 100, now: () => 0 })
    expect(limit.take('kept')).toBe(true)
    for (let i = 0; i < 10_000; i++) {
      limit.take(`10.0.${i >> 8}.${i & 255}`)
      if (i % 50 === 0) expect(limit.take('kept')).toBe(false) // seen again: stays remembered, stays limited
      expect(limit.size).toBeLessThanOrEqual(100)
    }
    expect(limit.size).toBe(100)
    expect(limit.take('10.0.0.0')).toBe(true) // pushed out long ago: a fresh bucket
  })
})

describe('clientAddress', () => {
  test.each([
    ['10.0.0.1', undefined, [], '10.0.0.1'],
    ['10.0.0.1', '203.0.113.9', [], '10.0.0.1'],
    ['10.0.0.1', '203.0.113.9', ['10.0.0.1'], '203.0.113.9'],
    ['10.0.0.1', '198.51.100.7, 203.0.113.9', ['10.0.0.1'], '203.0.113.9'],
    ['10.0.0.1', '198.51.100.7, 10.0.0.2', ['10.0.0.1', '10.0.0.2'], '198.51.100.7'],
    ['10.0.0.1', 'garbage', ['10.0.0.1'], '10.0.0.1'],
    [undefined, undefined, [], 'unknown'],
  ] as const)('peer %s, X-Forwarded-For %s, trusted %j → %s', (peer, forwarded, trusted, expected) => {
    expect(clientAddress(peer, forwarded, trusted)).toBe(expected)
  })
})
