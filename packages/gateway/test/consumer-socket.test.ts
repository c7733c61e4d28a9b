import { SignJWT, importJWK } from 'jose'
import type { JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CloseCode } from '../src/index.js'
import { accountId, authHeaders, connect, refusalStatus, signup, testGateway, testSigningKey } from './support/gateway-client.js'

let signingKey: JWK
let gateway: Awaited<ReturnType<typeof testGateway>>
const errors: Error[] = []
beforeAll(async () => {
  signingKey = await testSigningKey()
  gateway = await testGateway({ signingKey, maxFrameBytes: 4096, requestBurst: 5, requestsPerSecond: 0.01, onError: (error) => errors.push(error) })
})
afterAll(() => gateway.close())

const seconds = (): number => Math.floor(Date.now() / 1000)
async function minted(options: { exp?: number; authenticated?: boolean; iss?: string; aud?: string } = {}): Promise<string> {
  return new SignJWT({ 'chatbridge.authenticated': options.authenticated ?? false })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject('consumer-minted')
    .setIssuer(options.iss ?? `chatbridge-gateway:${accountId}`)
    .setAudience(options.aud ?? accountId)
    .setExpirationTime(options.exp ?? seconds() + 600)
    .sign(await importJWK(signingKey, 'ES256'))
}
const bearer = (jwt: string): { headers: Record<string, string> } => ({ headers: { authorization: `jwt ${jwt}` } })

describe('authentication', () => {
  test('signup, then a socket with Authorization: jwt … is authenticated from the start', async () => {
    const client = await connect(gateway.wsUrl, bearer(await signup(gateway)))
    expect(await client.request(1, 'GetClock')).toMatchObject({ code: 200, type: 'GetClockResponse' })
    expect(await client.request('r2', 'cm.Unknown')).toMatchObject({ reqId: 'r2', code: 400 })
    client.ws.close()
    expect((await client.closed).code).toBe(1005)
  })

  test('signup, then InitConnection carrying the token (as browsers do); other requests are refused before it', async () => {
    const client = await connect(gateway.wsUrl)
    expect(await client.request(1, 'cm.ConsumerRequestConversation')).toMatchObject({ code: 401 })
    expect(await client.request(2, 'GetClock')).toMatchObject({ code: 200 })
    expect(await client.request(3, 'InitConnection', {}, authHeaders(await signup(gateway)))).toMatchObject({ code: 200 })
    expect(await client.request(4, 'cm.Unknown')).toMatchObject({ code: 400 })
    client.ws.close()
    await client.closed
  })

  test.each<[string, () => Promise<string>]>([
    ['a bad signature', async () => (await minted()).slice(0, -4) + 'AAAA'],
    ['alg none', () => Promise.resolve(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"sub":"x","iss":"chatbridge-gateway:${accountId}","aud":"${accountId}","exp":${seconds() + 600}}`).toString('base64url')}.`)],
    ['another account', () => minted({ aud: '99999' })],
    ['another issuer', () => minted({ iss: 'elsewhere' })],
    ['not a jwt scheme', () => Promise.resolve('')],
  ])('%s on the upgrade: HTTP 401', async (_name, token) => {
    const jwt = await token()
    const options = jwt === '' ? { headers: { authorization: 'Bearer abc' } } : bearer(jwt)
    expect(await refusalStatus(gateway.wsUrl, options)).toBe(401)
  })

  test('a bad token in InitConnection: a 401 response, then close 1008', async () => {
    const client = await connect(gateway.wsUrl)
    expect(await client.request(1, 'InitConnection', {}, authHeaders(await minted({ iss: 'elsewhere' })))).toMatchObject({ code: 401 })
    expect((await client.closed).code).toBe(CloseCode.policyViolation)
  })

  test('an expired token on the upgrade: accepted, then closed 4401 (authenticated) or 4407 (unauthenticated)', async () => {
    const authenticated = await connect(gateway.wsUrl, bearer(await minted({ exp: seconds() - 5, authenticated: true })))
    expect((await authenticated.closed).code).toBe(4401)
    const unauthenticated = await connect(gateway.wsUrl, bearer(await minted({ exp: seconds() - 5 })))
    expect((await unauthenticated.closed).code).toBe(4407)
  })

  test('an expired token in InitConnection: closed 4401', async () => {
    const client = await connect(gateway.wsUrl)
    expect(await client.request(1, 'InitConnection', {}, authHeaders(await minted({ exp: seconds() - 5, authenticated: true })))).toMatchObject({ code: 401 })
    expect((await client.closed).code).toBe(4401)
  })

  test('a token that expires while connected closes the socket at exp: 4407 for a signup identity', async () => {
    const client = await connect(gateway.wsUrl, bearer(await minted({ exp: seconds() + 2 })))
    expect(await client.request(1, 'GetClock')).toMatchObject({ code: 200 })
    const closed = await client.closed
    expect(closed.code).toBe(4407)
  })

  test('a token that expires while connected after InitConnection: 4401 for an authenticated one', async () => {
    const client = await connect(gateway.wsUrl)
    expect(await client.request(1, 'InitConnection', {}, authHeaders(await minted({ exp: seconds() + 2, authenticated: true })))).toMatchObject({ code: 200 })
    expect((await client.closed).code).toBe(4401)
  })
})

describe('the upgrade refuses what is not this endpoint', () => {
  test('another account or an unknown path: 404', async () => {
    expect(await refusalStatus(gateway.wsUrl.replace(`/account/${accountId}/`, '/account/99999/'))).toBe(404)
    expect(await refusalStatus(gateway.wsUrl.replace('/messaging/consumer', '/messaging/brand'))).toBe(404)
  })

  test('v other than 3: 400', async () => {
    expect(await refusalStatus(gateway.wsUrl.replace('v=3', 'v=2'))).toBe(400)
    expect(await refusalStatus(gateway.wsUrl.replace('?v=3', ''))).toBe(400)
  })

  test('an Origin off the allow-list: 403; loopback origins and no Origin are allowed', async () => {
    expect(await refusalStatus(gateway.wsUrl, { origin: 'https://evil.example' })).toBe(403)
    expect(await refusalStatus(gateway.wsUrl, { origin: 'null' })).toBe(403)
    for (const origin of ['http://localhost:3000', gateway.url, undefined]) {
      const client = await connect(gateway.wsUrl, origin === undefined ? {} : { origin })
      client.ws.close()
      await client.closed
    }
  })

  test('refusals are counted by reason', async () => {
    const text = await gateway.metrics.registry.getSingleMetricAsString('chatbridge_gateway_upgrades_refused_total')
    expect(text).toMatch(/reason="origin"} [1-9]/)
    expect(text).toMatch(/reason="token"} [1-9]/)
  })
})

describe('limits', () => {
  test("a frame over maxFrameBytes: close 1009, and ws's error reaches onError", async () => {
    const client = await connect(gateway.wsUrl, bearer(await signup(gateway)))
    client.ws.send(JSON.stringify({ kind: 'req', id: 1, type: 'GetClock', body: { pad: 'x'.repeat(5000) } }))
    expect((await client.closed).code).toBe(1009)
    expect(errors.map((error) => error.message)).toContain('Max payload size exceeded')
  })

  test('a request flood past the rate: 429 responses with the request ids, and the session is not called for them', async () => {
    const client = await connect(gateway.wsUrl, bearer(await signup(gateway)))
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => client.request(`flood-${i}`, 'GetClock')))
    expect(answers.map((answer) => answer['code'])).toEqual([200, 200, 200, 200, 200, 429, 429, 429])
    expect(answers[7]).toMatchObject({ kind: 'resp', reqId: 'flood-7', code: 429 })
    client.ws.close()
    await client.closed
  })

  test('malformed JSON and binary frames never crash the gateway', async () => {
    const client = await connect(gateway.wsUrl, bearer(await signup(gateway)))
    client.ws.send('{"kind":"req",')
    expect(await client.next()).toMatchObject({ code: 400 })
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    expect((await client.closed).code).toBe(CloseCode.unsupportedData)
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200)
  })

  test('a session that throws: close 1011, other sockets unaffected', async () => {
    const bystander = await connect(gateway.wsUrl, bearer(await signup(gateway)))
    const client = await connect(gateway.wsUrl, bearer(await signup(gateway)))
    client.ws.send(JSON.stringify({ kind: 'req', id: 1, type: 'test.Throw' }))
    expect((await client.closed).code).toBe(CloseCode.internalError)
    expect(await bystander.request(1, 'GetClock')).toMatchObject({ code: 200 })
    bystander.ws.close()
    await bystander.closed
  })
})

test('with a configured signingKey, tokens outlive a restart of the gateway', async () => {
  const first = await testGateway({ signingKey })
  const jwt = await signup(first)
  await first.close()
  const second = await testGateway({ signingKey })
  try {
    const client = await connect(second.wsUrl, bearer(jwt))
    expect(await client.request(1, 'GetClock')).toMatchObject({ code: 200 })
    client.ws.close()
    await client.closed
  } finally {
    await second.close()
  }
})
