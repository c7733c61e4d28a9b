import { SignJWT, UnsecuredJWT, generateKeyPair, importJWK } from 'jose'
import type { JWK } from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import { GatewayError } from '../src/index.js'
import { createTokenService } from '../src/token-service.js'
import type { TokenService } from '../src/token-service.js'
import { testSigningKey } from './support/gateway-client.js'

const accountId = '12345678'
const issuer = `chatbridge-gateway:${accountId}`
let signingKey: JWK
let tokens: TokenService
beforeAll(async () => {
  signingKey = await testSigningKey()
  tokens = await createTokenService({ accountId, issuer, signingKey, identityTtlMs: 3600_000, authenticatedTtlMs: 600_000, now: Date.now })
})

const seconds = (): number => Math.floor(Date.now() / 1000)

/** A token signed with the gateway's key, with `claims` changed. */
async function minted(claims: Record<string, unknown>, overrides: { iss?: string; aud?: string; exp?: number } = {}): Promise<string> {
  const key = await importJWK(signingKey, 'ES256')
  return new SignJWT({ 'chatbridge.authenticated': false, ...claims })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject('consumer-1')
    .setIssuer(overrides.iss ?? issuer)
    .setAudience(overrides.aud ?? accountId)
    .setIssuedAt()
    .setExpirationTime(overrides.exp ?? seconds() + 600)
    .sign(key)
}

async function refusal(jwt: string): Promise<GatewayError> {
  const error = await tokens.verify(jwt).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(GatewayError)
  if (jwt !== '') expect((error as Error).message).not.toContain(jwt)
  return error as GatewayError
}

describe('issued tokens', () => {
  test('a signup token verifies as an unauthenticated identity with a fresh id', async () => {
    const [a, b] = await Promise.all([tokens.signup(), tokens.signup()])
    const identity = await tokens.verify(a)
    expect(identity).toMatchObject({ accountId, authenticated: false })
    expect(identity.expiresAt).toBeGreaterThan(Date.now() + 3500_000)
    expect((await tokens.verify(b)).consumerId).not.toBe(identity.consumerId)
  })

  test('an exchanged token is authenticated; the same brand user is the same consumer, another is not', async () => {
    const one = await tokens.verify(await tokens.exchange({ sub: 'alice', iss: 'brand', expiresAt: undefined }))
    const again = await tokens.verify(await tokens.exchange({ sub: 'alice', iss: 'brand', expiresAt: undefined }))
    const other = await tokens.verify(await tokens.exchange({ sub: 'bob', iss: 'brand', expiresAt: undefined }))
    const elsewhere = await tokens.verify(await tokens.exchange({ sub: 'alice', iss: 'another-brand', expiresAt: undefined }))
    expect(one).toMatchObject({ authenticated: true })
    expect(again.consumerId).toBe(one.consumerId)
    expect(other.consumerId).not.toBe(one.consumerId)
    expect(elsewhere.consumerId).not.toBe(one.consumerId)
    expect(one.consumerId).not.toContain('alice')
  })

  test("an exchanged token lives no longer than the brand's", async () => {
    const brandExp = Date.now() + 120_000
    const identity = await tokens.verify(await tokens.exchange({ sub: 'alice', iss: 'brand', expiresAt: brandExp }))
    expect(identity.expiresAt).toBeLessThanOrEqual(brandExp)
  })
})

describe('forged and stale tokens are refused with a code', () => {
  test('a good mint verifies (the baseline of the cases below)', async () => {
    expect(await tokens.verify(await minted({}))).toMatchObject({ consumerId: 'consumer-1' })
  })

  test('another key: E_TOKEN_INVALID', async () => {
    const { privateKey } = await generateKeyPair('ES256')
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject('x').setIssuer(issuer).setAudience(accountId).setExpirationTime('1h').sign(privateKey)
    expect((await refusal(jwt)).code).toBe('E_TOKEN_INVALID')
  })

  test('alg none: E_TOKEN_INVALID', async () => {
    const jwt = new UnsecuredJWT({}).setSubject('x').setIssuer(issuer).setAudience(accountId).setExpirationTime('1h').encode()
    expect((await refusal(jwt)).code).toBe('E_TOKEN_INVALID')
  })

  test('HS256 with the public key as its secret: E_TOKEN_INVALID', async () => {
    const secret = new TextEncoder().encode(JSON.stringify({ kty: signingKey.kty, crv: signingKey.crv, x: signingKey.x, y: signingKey.y }))
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(issuer).setAudience(accountId).setExpirationTime('1h').sign(secret)
    expect((await refusal(jwt)).code).toBe('E_TOKEN_INVALID')
  })

  test('another account: E_TOKEN_INVALID naming the claim', async () => {
    const error = await refusal(await minted({}, { aud: '99999' }))
    expect(error.code).toBe('E_TOKEN_INVALID')
    expect(error.message).toContain('"aud"')
  })

  test('another issuer: E_TOKEN_INVALID naming the claim', async () => {
    const error = await refusal(await minted({}, { iss: 'someone-else' }))
    expect(error.code).toBe('E_TOKEN_INVALID')
    expect(error.message).toContain('"iss"')
  })

  test('expired unauthenticated identity: E_IDENTITY_EXPIRED; expired authenticated: E_TOKEN_EXPIRED', async () => {
    expect((await refusal(await minted({}, { exp: seconds() - 10 }))).code).toBe('E_IDENTITY_EXPIRED')
    expect((await refusal(await minted({ 'chatbridge.authenticated': true }, { exp: seconds() - 10 }))).code).toBe('E_TOKEN_EXPIRED')
  })

  test('an expired token from another key is invalid, not expired', async () => {
    const { privateKey } = await generateKeyPair('ES256')
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject('x').setIssuer(issuer).setAudience(accountId).setExpirationTime(seconds() - 10).sign(privateKey)
    expect((await refusal(jwt)).code).toBe('E_TOKEN_INVALID')
  })

  test('garbage: E_TOKEN_INVALID', async () => {
    expect((await refusal('not.a.jwt')).code).toBe('E_TOKEN_INVALID')
    expect((await refusal('')).code).toBe('E_TOKEN_INVALID')
  })
})
