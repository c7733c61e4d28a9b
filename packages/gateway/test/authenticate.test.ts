import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose'
import type { CryptoKey } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Gateway } from '../src/index.js'
import { accountId, testGateway } from './support/gateway-client.js'

let brandPrivate: CryptoKey
let brandPublic: CryptoKey
beforeAll(async () => {
  ;({ privateKey: brandPrivate, publicKey: brandPublic } = await generateKeyPair('RS256', { extractable: true }))
})

const brandToken = (sub: string, key: CryptoKey | Uint8Array = brandPrivate, alg = 'RS256'): Promise<string> =>
  new SignJWT({}).setProtectedHeader({ alg, kid: 'brand-1' }).setSubject(sub).setIssuer('https://brand.example').setExpirationTime('10m').sign(key)

async function exchange(gateway: Gateway, body: string): Promise<{ status: number; jwt?: string }> {
  const res = await fetch(`${gateway.url}/api/account/${accountId}/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })
  const json = (await res.json()) as { jwt?: string }
  return { status: res.status, ...(json.jwt === undefined ? {} : { jwt: json.jwt }) }
}

const subOf = (jwt: string | undefined): string =>
  (JSON.parse(Buffer.from((jwt ?? '').split('.')[1] ?? '', 'base64url').toString()) as { sub: string }).sub

describe('authenticate with a brand public key (PEM)', () => {
  let gateway: Gateway
  beforeAll(async () => {
    gateway = await testGateway({ brandKey: await exportSPKI(brandPublic), brandIssuer: 'https://brand.example' })
  })
  afterAll(() => gateway.close())

  test("a brand JWT is exchanged for a gateway token whose sub derives from the brand's", async () => {
    const alice = await exchange(gateway, JSON.stringify({ authCode: await brandToken('alice') }))
    const again = await exchange(gateway, JSON.stringify({ authCode: await brandToken('alice') }))
    const bob = await exchange(gateway, JSON.stringify({ authCode: await brandToken('bob') }))
    expect(alice.status).toBe(200)
    expect(subOf(alice.jwt)).toBe(subOf(again.jwt))
    expect(subOf(bob.jwt)).not.toBe(subOf(alice.jwt))
  })

  test('a brand JWT signed by another key, HS256 or malformed is 401', async () => {
    const { privateKey } = await generateKeyPair('RS256')
    expect((await exchange(gateway, JSON.stringify({ authCode: await brandToken('alice', privateKey) }))).status).toBe(401)
    const hs = await brandToken('alice', new TextEncoder().encode(await exportSPKI(brandPublic)), 'HS256')
    expect((await exchange(gateway, JSON.stringify({ authCode: hs }))).status).toBe(401)
    expect((await exchange(gateway, JSON.stringify({ authCode: 'x.y.z' }))).status).toBe(401)
  })

  test('a body that is not {"authCode"} is 400; a huge one is 413', async () => {
    expect((await exchange(gateway, '{')).status).toBe(400)
    expect((await exchange(gateway, JSON.stringify({ code: 'x' }))).status).toBe(400)
    expect((await exchange(gateway, JSON.stringify({ authCode: 'x'.repeat(20_000) }))).status).toBe(413)
  })
})

describe('authenticate with a brand JWKS', () => {
  let jwks: Server
  let gateway: Gateway
  let fetched = 0
  beforeAll(async () => {
    const jwk = { ...(await exportJWK(brandPublic)), kid: 'brand-1', alg: 'RS256', use: 'sig' }
    jwks = createServer((_req, res) => {
      fetched++
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }))
    })
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve))
    const { port } = jwks.address() as AddressInfo
    gateway = await testGateway({ brandJwks: `http://127.0.0.1:${port}/.well-known/jwks.json` })
  })
  afterAll(async () => {
    await gateway.close()
    await new Promise((resolve) => jwks.close(resolve))
  })

  test('a brand JWT verifies against the served keys', async () => {
    const result = await exchange(gateway, JSON.stringify({ authCode: await brandToken('carol') }))
    expect(result.status).toBe(200)
    expect(fetched).toBeGreaterThan(0)
  })

  test('a JWT signed by a key not in the set is 401', async () => {
    const { privateKey } = await generateKeyPair('RS256')
    expect((await exchange(gateway, JSON.stringify({ authCode: await brandToken('carol', privateKey) }))).status).toBe(401)
  })
})

test('without a brand key or JWKS, authenticate is 501', async () => {
  const gateway = await testGateway()
  try {
    expect((await exchange(gateway, JSON.stringify({ authCode: 'x' }))).status).toBe(501)
  } finally {
    await gateway.close()
  }
})
