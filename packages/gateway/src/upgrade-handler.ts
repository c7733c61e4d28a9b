// The HTTP upgrade to the consumer socket: every refusal (path, version, Origin, limits, token) happens here, before ws.
import { STATUS_CODES } from 'node:http'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Server as WebSocketServer } from 'ws'
import { CloseCode } from './close-codes.js'
import { ConsumerSocket } from './consumer-socket.js'
import type { ConsumerSocketDeps } from './consumer-socket.js'
import { GatewayError } from './gateway-error.js'
import type { GatewayWebSocket } from './gateway-websocket.js'
import type { RefusalReason } from './gateway-metrics.js'
import { matchRoute, requestTarget } from './http-routes.js'
import type { ConsumerIdentity } from './session-port.js'

/** What the upgrade needs besides a consumer socket's own dependencies. */
export interface UpgradeDeps extends ConsumerSocketDeps {
  readonly wss: WebSocketServer<typeof GatewayWebSocket>
  readonly originAllowed: (origin: string | undefined) => boolean
  readonly draining: () => boolean
}

type Verdict =
  | { readonly ok: true; readonly identity: ConsumerIdentity | undefined }
  | { readonly ok: true; readonly expired: GatewayError }
  | { readonly ok: false; readonly status: number; readonly reason: RefusalReason; readonly message: string }

/** The `'upgrade'` listener of the gateway's server; it never throws. */
export function createUpgradeHandler(deps: UpgradeDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  // One listener for every socket: a closure made per upgrade would share the upgrade's scope and keep its request and head alive as long as the socket.
  const onSocketError = (error: Error): void => deps.options.onError(error)
  return (req, socket, head) => {
    socket.on('error', onSocketError)
    judge(deps, req).then(
      (verdict) => {
        if (!verdict.ok) return refuse(deps, socket, verdict.status, verdict.reason, verdict.message)
        const address = req.socket.remoteAddress ?? 'unknown'
        if ('expired' in verdict) {
          return deps.wss.handleUpgrade(req, socket, head, (ws) => {
            socket.off('error', onSocketError)
            ws.on('error', (error) => deps.options.onError(error))
            deps.metrics.socketsClosed.inc({ code: String(closeCode(verdict.expired)) })
            ws.close(closeCode(verdict.expired), verdict.expired.message)
          })
        }
        // Verification was asynchronous: the drain may have begun meanwhile, and it only closes sockets it can see.
        if (deps.draining()) return refuse(deps, socket, 503, 'draining', 'the gateway is shutting down')
        const limit = limitRefusal(deps, address, verdict.identity)
        if (limit !== undefined) return refuse(deps, socket, 429, limit, 'too many sockets')
        deps.wss.handleUpgrade(req, socket, head, (ws) => {
          // ws handles the socket's errors from now on (it closes the WebSocket): a second listener cost each socket an array.
          socket.off('error', onSocketError)
          new ConsumerSocket(ws, address, verdict.identity, deps)
        })
      },
      (error: unknown) => {
        deps.options.onError(error instanceof Error ? error : new Error(String(error)))
        socket.destroy()
      },
    )
  }
}

async function judge(deps: UpgradeDeps, req: IncomingMessage): Promise<Verdict> {
  const refused = (status: number, reason: RefusalReason, message: string): Verdict => ({ ok: false, status, reason, message })
  if (deps.draining()) return refused(503, 'draining', 'the gateway is shutting down')
  const target = requestTarget(req.url)
  const route = target === undefined ? undefined : matchRoute(target.pathname)
  if (target === undefined || route?.name !== 'consumer-socket' || route.accountId !== deps.options.accountId || req.method !== 'GET') {
    return refused(404, 'not-found', 'not found')
  }
  if (target.searchParams.get('v') !== '3') return refused(400, 'bad-version', 'this endpoint speaks v=3')
  if (!deps.originAllowed(req.headers.origin)) return refused(403, 'origin', 'this origin may not open a socket')
  const authorization = req.headers.authorization
  if (authorization === undefined) return { ok: true, identity: undefined }
  const jwt = /^jwt\s+(\S+)$/i.exec(authorization)?.[1]
  if (jwt === undefined) return refused(401, 'token', 'Authorization must be "jwt <token>"')
  try {
    return { ok: true, identity: await deps.verify(jwt) }
  } catch (error) {
    if (error instanceof GatewayError && (error.code === 'E_TOKEN_EXPIRED' || error.code === 'E_IDENTITY_EXPIRED')) return { ok: true, expired: error }
    return refused(401, 'token', 'the token was refused')
  }
}

function closeCode(error: GatewayError): number {
  return error.code === 'E_TOKEN_EXPIRED' ? CloseCode.tokenExpired : CloseCode.identityExpired
}

function limitRefusal(deps: UpgradeDeps, address: string, identity: ConsumerIdentity | undefined): RefusalReason | undefined {
  if (deps.registry.countAddress(address) >= deps.options.maxSocketsPerAddress) return 'address-limit'
  if (identity !== undefined && deps.registry.countConsumer(identity.consumerId) >= deps.options.maxSocketsPerConsumer) return 'consumer-limit'
  return undefined
}

function refuse(deps: UpgradeDeps, socket: Duplex, status: number, reason: RefusalReason, message: string): void {
  deps.metrics.upgradesRefused.inc({ reason })
  const body = JSON.stringify({ error: { status, message } })
  if (socket.writable) {
    socket.once('finish', () => socket.destroy())
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  } else {
    socket.destroy()
  }
}
