import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Gateway } from '../src/index.js'
import { staticFileOf } from '../src/static-files.js'
import { accountId, testGateway } from './support/gateway-client.js'
import { type RawResponse, rawRequest } from './support/raw-request.js'

const staticDir = join(import.meta.dirname, '..', 'static')

let gateway: Gateway
beforeAll(async () => {
  gateway = await testGateway({ publicHost: 'chat.example:8443' })
})
afterAll(() => gateway.close())

function raw(path: string, method = 'GET'): Promise<RawResponse> {
  return rawRequest(gateway.url, path, { method })
}

describe('the chat window at /', () => {
  test('the page, with the gateway account filled in and a strict policy', async () => {
    const res = await raw('/')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toContain(`<meta name="chatbridge-account" content="${accountId}">`)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    const csp = String(res.headers['content-security-policy'])
    expect(csp.split('; ')).toEqual(
      expect.arrayContaining(["default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "connect-src 'self' http://chat.example:8443 ws://chat.example:8443"]),
    )
    expect(csp).not.toContain('unsafe')
  })

  test('the page keeps no inline script or style the policy would block', async () => {
    const { body } = await raw('/index.html')
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(body).not.toMatch(/<style|\sstyle=|\son\w+=/)
  })

  test.each([
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/messaging-client.js', 'text/javascript; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/favicon.svg', 'image/svg+xml'],
  ])('%s is served as %s, byte for byte', async (path, type) => {
    const res = await raw(path)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe(type)
    expect(res.body).toBe(await readFile(join(staticDir, path.slice(1)), 'utf8'))
  })

  test('every module the page imports is served', async () => {
    const modules = (await readdir(staticDir)).filter((name) => name.endsWith('.js'))
    for (const name of modules) expect((await raw(`/${name}`)).status, name).toBe(200)
  })

  test('HEAD answers the headers without a body', async () => {
    const res = await raw('/style.css', 'HEAD')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8')
    expect(res.body).toBe('')
  })

  test.each(['/../package.json', '/..%2fpackage.json', '/%2e%2e/package.json', '/static/app.js', '/tsconfig.json', '/nope.js', '/.env', '/app.js/', '//app.js', '/README.md'])(
    '%s is not found',
    async (path) => {
      const res = await raw(path)
      expect(res.status).toBe(404)
      expect(res.body).not.toContain('"compilerOptions"')
    },
  )

  test('another method is 405 with the allowed ones', async () => {
    const res = await raw('/app.js', 'POST')
    expect(res.status).toBe(405)
    expect(res.headers['allow']).toBe('GET, HEAD')
  })

  test('the boot calls still answer beside it', async () => {
    expect((await raw('/healthz')).status).toBe(200)
    expect((await raw(`/csdr/account/${accountId}/service/idp/baseURI.json`)).status).toBe(200)
  })
})

describe('staticFileOf', () => {
  test.each([
    ['/', 'index.html'],
    ['/?account=1', 'index.html'],
    ['/app.js?v=2', 'app.js'],
    ['/../app.js', undefined],
    ['/a/b.js', undefined],
    ['/a\\b.js', undefined],
    ['/app.ts', undefined],
    [undefined, undefined],
  ])('%s → %s', (url, file) => {
    expect(staticFileOf(url)).toBe(file)
  })
})
