import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { ChatBridgeError } from '@chatbridge/core'
import { describe, expect, test } from 'vitest'
import { GatewayError, startGateway } from '../src/index.js'
import type { GatewayOptions } from '../src/index.js'
import { resolveGatewayOptions } from '../src/gateway-options.js'
import { standInSessions } from './support/stand-in-sessions.js'

const sessions = standInSessions()
const base: GatewayOptions = { accountId: '12345678', sessions }

describe('options are validated once, failing fast', () => {
  test.each<[string, Partial<GatewayOptions>]>([
    ['accountId', { accountId: 'a/b' }],
    ['port', { port: 70000 }],
    ['publicHost', { publicHost: 'https://chat.example' }],
    ['tls or selfSigned', { tls: { cert: 'c', key: 'k' }, selfSigned: true }],
    ['signingKey', { signingKey: { kty: 'RSA', n: 'x', e: 'AQAB' } }],
    ['brandKey or brandJwks', { brandKey: 'pem', brandJwks: 'https://idp.example/jwks' }],
    ['brandJwks', { brandJwks: 'file:///etc/passwd' }],
    ['allowedOrigins', { allowedOrigins: ['https://shop.example/path'] }],
    ['idleTimeoutMs', { idleTimeoutMs: -1 }],
    ['maxFrameBytes', { maxFrameBytes: Number.NaN }],
  ])('%s', (name, bad) => {
    const error = (() => {
      try {
        resolveGatewayOptions({ ...base, ...bad })
      } catch (caught) {
        return caught
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(GatewayError)
    expect(error).toBeInstanceOf(ChatBridgeError)
    expect((error as GatewayError).code).toBe('E_GATEWAY_OPTIONS')
    expect((error as GatewayError).message).toContain(name)
    expect((error as GatewayError).message).toContain("startGateway({ accountId: '12345678', sessions })")
  })

  test('a missing session factory', () => {
    expect(() => resolveGatewayOptions({ accountId: '1' })).toThrow(/sessions must be a SessionFactory/)
  })

  test('the defaults', () => {
    const resolved = resolveGatewayOptions(base)
    expect(resolved).toMatchObject({ host: '127.0.0.1', port: 0, issuer: 'chatbridge-gateway:12345678', tls: undefined })
  })

  test('startGateway rejects before listening', async () => {
    await expect(startGateway({ ...base, port: -1 })).rejects.toMatchObject({ code: 'E_GATEWAY_OPTIONS' })
  })

  test('a brand key that is not a key is refused without echoing it', async () => {
    const error = await startGateway({ ...base, brandKey: 'not a pem secret-ish' }).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: 'E_GATEWAY_OPTIONS' })
    expect((error as Error).message).not.toContain('secret-ish')
  })

  test('a port in use is E_LISTEN', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = blocker.address() as AddressInfo
      await expect(startGateway({ ...base, port })).rejects.toMatchObject({ code: 'E_LISTEN' })
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })
})
