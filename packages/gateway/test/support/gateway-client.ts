// A Node `ws` client for the gateway's tests, written from the protocol alone, and a test gateway.
import { generateKeyPair, exportJWK } from 'jose'
import type { JWK } from 'jose'
import { WebSocket } from 'ws'
import type { ClientOptions } from 'ws'
import { startGateway } from '../../src/index.js'
import type { Gateway, GatewayOptions } from '../../src/index.js'
import { standInSessions } from './stand-in-sessions.js'
import type { StandInRecord } from './stand-in-sessions.js'

/** The account the test gateways serve. */
export const accountId = '12345678'

/** A private signing key for tests that mint their own tokens. */
export async function testSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  return exportJWK(privateKey)
}

/** A gateway on a free loopback port with the stand-in sessions; `options` override the defaults. */
export async function testGateway(options: Partial<GatewayOptions> = {}): Promise<Gateway & { readonly record: StandInRecord }> {
  const sessions = standInSessions()
  const gateway = await startGateway({ accountId, sessions, ...options })
  return Object.assign(gateway, { record: sessions.record })
}

/** A server frame as the tests read it. */
export type Frame = Record<string, unknown> & { readonly kind: string }

/** A connected test client. */
export interface TestClient {
  readonly ws: WebSocket
  /** The next server frame (waits for it). */
  next(): Promise<Frame>
  /** Sends a request frame and returns the response with its `reqId`. */
  request(id: string | number, type: string, body?: unknown, headers?: unknown[]): Promise<Frame>
  /** Resolves with the close code and reason once the socket closed. */
  readonly closed: Promise<{ code: number; reason: string }>
}

/** Opens a socket to `url`; rejects with the HTTP status when the upgrade is refused. */
export function connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options)
  const frames: Frame[] = []
  const waiting: ((frame: Frame) => void)[] = []
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as Frame
    const waiter = waiting.shift()
    if (waiter === undefined) frames.push(frame)
    else waiter(frame)
  })
  const next = (): Promise<Frame> => {
    const frame = frames.shift()
    return frame === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(frame)
  }
  const client: TestClient = {
    ws,
    next,
    async request(id, type, body = {}, headers) {
      ws.send(JSON.stringify({ kind: 'req', id, type, body, ...(headers === undefined ? {} : { headers }) }))
      for (;;) {
        const frame = await next()
        if (frame.kind === 'resp' && frame['reqId'] === id) return frame
      }
    },
    closed,
  }
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client))
    ws.once('unexpected-response', (_req, res) => {
      reject(new UpgradeRefused(res.statusCode ?? 0))
      res.resume()
      ws.terminate()
    })
    ws.once('error', reject)
  })
}

/** The upgrade was answered with an HTTP status instead of 101. */
export class UpgradeRefused extends Error {
  /** The HTTP status of the refusal. */
  readonly status: number
  constructor(status: number) {
    super(`upgrade refused with ${status}`)
    this.status = status
  }
}

/** The status a refused upgrade got (fails the test when it was accepted). */
export async function refusalStatus(url: string, options: ClientOptions = {}): Promise<number> {
  try {
    const client = await connect(url, options)
    client.ws.terminate()
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status
    throw error
  }
  throw new Error('the upgrade was accepted')
}

/** A fresh unauthenticated token from the gateway's signup call. */
export async function signup(gateway: Gateway): Promise<string> {
  const res = await fetch(`${gateway.url}/api/account/${accountId}/signup`, { method: 'POST' })
  return ((await res.json()) as { jwt: string }).jwt
}

/** The `InitConnection` headers carrying `jwt`. */
export function authHeaders(jwt: string): unknown[] {
  return [{ type: '.ams.headers.ClientProperties', deviceFamily: 'DESKTOP' }, { type: '.ams.headers.ConsumerAuthentication', jwt }]
}
