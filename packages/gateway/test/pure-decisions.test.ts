import { describe, expect, test } from 'vitest'
import { isCallbackName } from '../src/http-reply.js'
import { matchRoute, requestTarget } from '../src/http-routes.js'
import { isOriginAllowed } from '../src/origin-policy.js'
import { FULL_BUCKET, TokenRate } from '../src/token-bucket.js'

describe('isOriginAllowed', () => {
  const own = ['https://chat.example']
  test('no Origin (a non-browser client) and the own origin are allowed', () => {
    expect(isOriginAllowed(undefined, own, undefined)).toBe(true)
    expect(isOriginAllowed('https://chat.example', own, undefined)).toBe(true)
  })
  test('by default, loopback origins on any port, and nothing else', () => {
    expect(isOriginAllowed('http://localhost:3000', own, undefined)).toBe(true)
    expect(isOriginAllowed('https://127.0.0.1', own, undefined)).toBe(true)
    expect(isOriginAllowed('http://[::1]:8080', own, undefined)).toBe(true)
    for (const origin of ['null', 'https://evil.example', 'http://localhost.evil.example', 'file://', 'chrome-extension://abc', 'http://localhost:3000/path']) {
      expect(isOriginAllowed(origin, own, undefined)).toBe(false)
    }
  })
  test('a configured list replaces the loopback default, the own origin stays', () => {
    expect(isOriginAllowed('https://shop.example', own, ['https://shop.example'])).toBe(true)
    expect(isOriginAllowed('http://localhost:3000', own, ['https://shop.example'])).toBe(false)
    expect(isOriginAllowed('https://chat.example', own, [])).toBe(true)
  })
})

describe('routes', () => {
  test('paths name routes with their account and service', () => {
    expect(matchRoute('/csdr/account/1/service/idp/baseURI.json')).toEqual({ name: 'csds-json', accountId: '1', service: 'idp' })
    expect(matchRoute('/ws_api/account/1/messaging/consumer')).toEqual({ name: 'consumer-socket', accountId: '1' })
    expect(matchRoute('/api/account/1/signup.jsonp')).toEqual({ name: 'signup-jsonp', accountId: '1' })
    expect(matchRoute('/api/account/1/signup/x')).toBeUndefined()
    expect(matchRoute('/csdr/account/1/service/a/b/baseURI.json')).toBeUndefined()
  })
  test('request targets that are not paths are refused', () => {
    expect(requestTarget('*')).toBeUndefined()
    expect(requestTarget('http://elsewhere.example/healthz')).toBeUndefined()
    expect(requestTarget('//elsewhere.example/healthz')).toBeUndefined()
    expect(requestTarget('/healthz?x=1')?.pathname).toBe('/healthz')
  })
})

test('callback names are identifier paths only', () => {
  for (const good of ['cb', '$', '_x1', 'lpTag.taglets.cb_1']) expect(isCallbackName(good)).toBe(true)
  for (const bad of [null, '', '1a', 'a.', 'a b', 'a(1)', 'a;b', 'a[0]', '</script>', 'a'.repeat(129)]) expect(isCallbackName(bad)).toBe(false)
})

test('the token bucket allows the burst, then the rate', () => {
  let now = 0
  // One bucket, kept as its holders keep it: the state `take` answers, unchanged when refused.
  const rate = new TokenRate(2, 3, () => now)
  let state = FULL_BUCKET
  const bucket = {
    take: (): boolean => {
      const next = rate.take(state)
      if (next !== undefined) state = next
      return next !== undefined
    },
  }
  expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false])
  now += 499
  expect(bucket.take()).toBe(false)
  now += 1
  expect(bucket.take()).toBe(true)
  now += 60_000
  expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false])
})
