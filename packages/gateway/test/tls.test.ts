import { request } from 'node:https'
import { X509Certificate } from 'node:crypto'
import type { TLSSocket } from 'node:tls'
import { expect, test } from 'vitest'
import { accountId, connect, testGateway } from './support/gateway-client.js'

function getOverTls(url: string): Promise<{ status: number; body: string; certificate: X509Certificate }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = []
      const certificate = new X509Certificate((res.socket as TLSSocket).getPeerX509Certificate()?.raw ?? Buffer.alloc(0))
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), certificate }))
    })
    req.on('error', reject)
    req.end()
  })
}

test('selfSigned serves https and wss with an EC / SHA-256 certificate naming the host', async () => {
  const gateway = await testGateway({ selfSigned: true })
  try {
    expect(gateway.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(gateway.wsUrl).toMatch(/^wss:\/\//)
    const { status, body, certificate } = await getOverTls(`${gateway.url}/csdr/account/${accountId}/service/asyncMessagingEnt/baseURI.json?version=1.0`)
    expect(status).toBe(200)
    expect(JSON.parse(body)).toMatchObject({ baseURI: gateway.publicHost })
    expect(certificate.subjectAltName).toContain('IP Address:127.0.0.1')
    expect(certificate.publicKey.asymmetricKeyType).toBe('ec')
    const client = await connect(gateway.wsUrl, { rejectUnauthorized: false })
    expect(await client.request(1, 'GetClock')).toMatchObject({ code: 200 })
    client.ws.close()
    await client.closed
  } finally {
    await gateway.close()
  }
})

test('a wss client that checks certificates refuses the self-signed one', async () => {
  const gateway = await testGateway({ selfSigned: true })
  try {
    await expect(connect(gateway.wsUrl)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })
  } finally {
    await gateway.close()
  }
})
