// Test-only stand-in for the gateway, to develop the chat window against: serves the window's static
// files, the boot calls (CSDS domain lookup, unauthenticated signup) and the Messaging consumer socket,
// bridged to the adapter's in-process socket. It has the shape of `startGateway` ({ url, close() }) so
// the browser test can move to the real gateway by swapping the start function.
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { WebSocketServer } from 'ws'
import { ConsumerBridge, type LegacyTarget, type SeenFrame } from './consumer-bridge.js'

/** Options of {@link startTestGateway}. */
export interface TestGatewayOptions extends LegacyTarget {
  /** The directory of the chat window's files. */
  readonly staticDir: string
  /** TCP port; 0 for any free one. */
  readonly port: number
  /** The Messaging account id served; default the account root's last segment. */
  readonly accountId?: string
}

/** A running test gateway. */
export interface TestGateway {
  /** `http://127.0.0.1:{port}` */
  readonly url: string
  readonly accountId: string
  /** Every request frame browsers sent, in order. */
  readonly frames: readonly SeenFrame[]
  /** The `sub` of every identity `signup` handed out, in order. */
  readonly signups: readonly string[]
  /** Closes every browser socket with this code. */
  closeSockets(code: number, reason?: string): void
  close(): Promise<void>
}

const STATIC_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'boot.js': 'text/javascript; charset=utf-8',
  'chat-view.js': 'text/javascript; charset=utf-8',
  'messaging-client.js': 'text/javascript; charset=utf-8',
  'transcript.js': 'text/javascript; charset=utf-8',
  'typing-signal.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
}

/** The policy the window must run under: its own scripts and styles, sockets to its own host. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

/** Starts the test gateway on loopback. */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const accountId = options.accountId ?? new URL(options.accountRoot).pathname.split('/').filter(Boolean).at(-1) ?? ''
  const bridge = new ConsumerBridge(options)
  const signups: string[] = []
  const account = encodeURIComponent(accountId)
  const csds = new RegExp(`^/csdr/account/${account}/service/([A-Za-z]+)/baseURI\\.json$`)

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://gateway.invalid')
    const host = req.headers.host ?? ''
    const service = csds.exec(url.pathname)?.[1]
    if (req.method === 'GET' && service !== undefined) {
      if (service !== 'asyncMessagingEnt' && service !== 'idp') return send(res, 404, 'application/json', '{"error":"unknown service"}')
      return send(res, 200, 'application/json', JSON.stringify({ service, account: accountId, baseURI: host }))
    }
    if (req.method === 'POST' && url.pathname === `/api/account/${account}/signup`) {
      const sub = randomUUID()
      signups.push(sub)
      return send(res, 200, 'application/json', JSON.stringify({ jwt: unsignedJwt(sub, accountId) }))
    }
    const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1)
    const type = STATIC_FILES[name]
    if (req.method === 'GET' && type !== undefined) return send(res, 200, type, await readFile(join(options.staticDir, name)))
    return send(res, 404, 'text/plain; charset=utf-8', 'not found')
  }

  const http = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, 'text/plain; charset=utf-8', 'internal error'))
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  const socketPath = `/ws_api/account/${account}/messaging/consumer`
  http.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy())
    if (new URL(req.url ?? '/', 'http://gateway.invalid').pathname !== socketPath) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridge.accept(ws))
  })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(options.port, '127.0.0.1', () => resolve())
  })
  const { port } = http.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    accountId,
    frames: bridge.frames,
    signups,
    closeSockets: (code, reason) => bridge.closeConnections(code, reason),
    close: async () => {
      await bridge.close()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': CONTENT_SECURITY_POLICY })
  res.end(body)
}

/** A consumer JWT without a signature: test-only; the in-process socket reads `sub` unverified. */
function unsignedJwt(sub: string, accountId: string): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub, iss: 'chatbridge-test-gateway', aud: accountId, iat: now, exp: now + 3600 })}.`
}
