import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Gateway } from '../src/index.js'
import { accountId, testGateway } from './support/gateway-client.js'
import { type RawResponse, rawRequest } from './support/raw-request.js'

let root: string
let gateway: Gateway
beforeAll(async () => {
  // <root>/secret.html is next to the window's directory: no path may reach it.
  root = await mkdtemp(join(tmpdir(), 'chatbridge-static-'))
  const dir = join(root, 'window')
  await mkdir(join(dir, 'sub'), { recursive: true })
  await writeFile(join(dir, 'index.html'), '<!doctype html><meta name="chatbridge-account" content=""><title>Our shop chat</title><script type="module" src="/shop.js"></script>')
  await writeFile(join(dir, 'shop.js'), 'export const shop = true\n')
  await writeFile(join(dir, 'sub', 'nested.js'), 'nested\n')
  await writeFile(join(root, 'secret.html'), 'secret')
  gateway = await testGateway({ staticDir: dir, publicHost: 'chat.example:8443' })
})
afterAll(async () => {
  await gateway.close()
  await rm(root, { recursive: true, force: true })
})

function raw(path: string): Promise<RawResponse> {
  return rawRequest(gateway.url, path)
}

describe('staticDir: a team serves its own chat window', () => {
  test('/ is the team\'s index.html, told the account, under the same CSP as the built-in window', async () => {
    const res = await raw('/')
    expect(res.status).toBe(200)
    expect(res.body).toContain('<title>Our shop chat</title>')
    expect(res.body).toContain(`<meta name="chatbridge-account" content="${accountId}">`)
    const csp = String(res.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain('connect-src \'self\' http://chat.example:8443 ws://chat.example:8443')
    expect(csp).toContain("frame-ancestors 'none'")
  })

  test("the team's scripts are served; the built-in window's files are not", async () => {
    const shop = await raw('/shop.js')
    expect(shop.status).toBe(200)
    expect(shop.headers['content-type']).toMatch(/^text\/javascript/)
    expect((await raw('/app.js')).status).toBe(404)
  })

  test.each(['/../secret.html', '/%2e%2e/secret.html', '/..%2fsecret.html', '/sub/nested.js', '/sub%2fnested.js', '//secret.html', '/.\\secret.html'])(
    '%s is refused',
    async (path) => {
      const res = await raw(path)
      expect(res.status).toBe(404)
      expect(res.body).not.toContain('secret')
      expect(res.body).not.toContain('nested')
    },
  )

  test('a directory that is not there is an options error', async () => {
    await expect(testGateway({ staticDir: join(root, 'missing') })).rejects.toMatchObject({ code: 'E_GATEWAY_OPTIONS' })
  })

  test('staticDir: false serves no window at all', async () => {
    const bare = await testGateway({ staticDir: false })
    try {
      expect((await fetch(`${bare.url}/`)).status).toBe(404)
      expect((await fetch(`${bare.url}/healthz`)).status).toBe(200)
    } finally {
      await bare.close()
    }
  })
})
