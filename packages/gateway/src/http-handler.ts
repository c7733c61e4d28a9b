// The gateway's HTTP face: boot calls (domain lookup, identity), health, readiness, metrics, and the chat window at `/`.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { BrandVerifier } from './brand-verifier.js'
import type { GatewayMetrics } from './gateway-metrics.js'
import { isCallbackName, replyError, replyJson, replyJsonp } from './http-reply.js'
import { matchRoute, requestTarget, routeMethods, servedServices } from './http-routes.js'
import type { HttpRoute } from './http-routes.js'
import { clientAddress } from './signup-limit.js'
import type { SignupLimit } from './signup-limit.js'
import { defaultStaticDir, serveStaticFile, staticFileOf } from './static-files.js'
import type { TokenService } from './token-service.js'

/** What the HTTP face needs from the gateway. */
export interface HttpHandlerDeps {
  readonly accountId: string
  /** The `host[:port]` clients are told to use. */
  readonly publicHost: () => string
  readonly tokens: TokenService
  readonly brand: BrandVerifier | undefined
  readonly metrics: GatewayMetrics
  readonly ready: () => boolean | Promise<boolean>
  readonly draining: () => boolean
  /** Why the gateway is not ready although its `ready` check passes (the store unreachable), or undefined. */
  readonly notReady?: () => string | undefined
  readonly originAllowed: (origin: string | undefined) => boolean
  readonly onError: (error: Error) => void
  /** The signup rate of each client address. */
  readonly signupLimit: SignupLimit
  /** Proxies whose `X-Forwarded-For` names the client; see {@link clientAddress}. */
  readonly trustedProxies: readonly string[]
  /** The chat window's directory served at `/`; default the one shipped with the gateway, `false` for none. */
  readonly staticDir?: string | false
}

const maxBodyBytes = 16 * 1024

/** The request listener of the gateway's server; it never throws and always answers. */
export function createHttpHandler(deps: HttpHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    answer(deps, req, res).catch((error: unknown) => {
      deps.onError(error instanceof Error ? error : new Error(String(error)))
      if (!res.headersSent) replyError(res, 500, 'internal error')
      else res.destroy()
    })
  }
}

async function answer(deps: HttpHandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = requestTarget(req.url)
  const route = target === undefined ? undefined : matchRoute(target.pathname)
  const dir = deps.staticDir ?? defaultStaticDir
  const file = route === undefined && dir !== false ? staticFileOf(req.url) : undefined
  if (file !== undefined && dir !== false) return windowFile(deps, dir, file, req, res)
  if (target === undefined || route === undefined || ('accountId' in route && route.accountId !== deps.accountId)) {
    req.resume()
    return replyError(res, 404, 'not found')
  }
  const methods = routeMethods[route.name]
  if (!methods.includes(req.method ?? '')) {
    req.resume()
    return replyError(res, 405, `${req.method ?? ''} is not allowed here`, { allow: methods.join(', ') })
  }
  if (req.method !== 'POST') req.resume()
  const cors = corsHeaders(deps, req)
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...cors, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' })
    return void res.end()
  }
  await routeAnswer(deps, route, target.searchParams, req, res, cors)
}

async function windowFile(deps: HttpHandlerDeps, dir: string, file: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.resume()
  if (req.method !== 'GET' && req.method !== 'HEAD') return replyError(res, 405, `${req.method ?? ''} is not allowed here`, { allow: 'GET, HEAD' })
  const secure = 'encrypted' in req.socket && req.socket.encrypted === true
  return serveStaticFile(req, res, dir, file, { accountId: deps.accountId, publicHost: deps.publicHost(), secure })
}

async function routeAnswer(
  deps: HttpHandlerDeps,
  route: HttpRoute,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
  cors: Record<string, string>,
): Promise<void> {
  switch (route.name) {
    case 'healthz':
      return replyJson(res, 200, { status: 'ok' })
    case 'readyz': {
      const reason = deps.draining() ? 'draining' : deps.notReady?.()
      const ready = reason === undefined && (await deps.ready())
      return replyJson(res, ready ? 200 : 503, ready ? { status: 'ready' } : { status: 'not ready', ...(reason === undefined ? {} : { reason }) })
    }
    case 'metrics': {
      const text = await deps.metrics.registry.metrics()
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType })
      return void res.end(text)
    }
    case 'csds-all':
      return replyJson(res, 200, { baseURIs: servedServices.map((service) => ({ service, account: deps.accountId, baseURI: deps.publicHost() })) })
    case 'csds-json':
      if (!servedServices.includes(route.service)) return replyError(res, 404, 'unknown service')
      return replyJson(res, 200, { service: route.service, account: deps.accountId, baseURI: deps.publicHost() })
    case 'csds-jsonp': {
      const callback = query.get('cb')
      if (!isCallbackName(callback)) return replyError(res, 400, 'cb must be a JavaScript identifier path')
      if (!servedServices.includes(route.service)) return replyError(res, 404, 'unknown service')
      return replyJsonp(res, callback, { ResultSet: { lpData: [{ lpServer: deps.publicHost() }] } })
    }
    case 'signup':
      req.resume()
      if (!signupAllowed(deps, req)) return replyError(res, 429, tooManySignups, { ...cors, 'retry-after': String(deps.signupLimit.retryAfterSeconds) })
      return replyJson(res, 200, { jwt: await deps.tokens.signup() }, cors)
    case 'signup-jsonp': {
      const callback = query.get('callback')
      if (!isCallbackName(callback)) return replyError(res, 400, 'callback must be a JavaScript identifier path')
      // A 429 script fails to load in a browser (its onerror fires); a client evaluating the text still gets the error object.
      if (!signupAllowed(deps, req)) {
        return replyJsonp(res, callback, { error: { status: 429, message: tooManySignups } }, 429, { 'retry-after': String(deps.signupLimit.retryAfterSeconds) })
      }
      return replyJsonp(res, callback, { jwt: await deps.tokens.signup() })
    }
    case 'authenticate':
      return authenticate(deps, req, res, cors)
    case 'consumer-socket':
      return replyError(res, 426, 'this endpoint speaks WebSocket only', { upgrade: 'websocket' })
  }
}

const tooManySignups = 'too many signups from this address; wait and retry'

function signupAllowed(deps: HttpHandlerDeps, req: IncomingMessage): boolean {
  return deps.signupLimit.take(clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], deps.trustedProxies))
}

async function authenticate(deps: HttpHandlerDeps, req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): Promise<void> {
  if (deps.brand === undefined) {
    req.resume()
    return replyError(res, 501, 'authenticate is not configured on this gateway (brandKey or brandJwks)', cors)
  }
  const body = await readBody(req)
  if (body === undefined) return replyError(res, 413, `the body exceeds ${maxBodyBytes} bytes`, { ...cors, connection: 'close' })
  const authCode = parseAuthCode(body)
  if (authCode === undefined) return replyError(res, 400, 'expected a JSON body {"authCode": "<brand JWT>"}', cors)
  let brand
  try {
    brand = await deps.brand(authCode)
  } catch (error) {
    return replyError(res, 401, error instanceof Error ? error.message : 'the brand token was refused', cors)
  }
  return replyJson(res, 200, { jwt: await deps.tokens.exchange(brand) }, cors)
}

/** The body as text, or `undefined` once it passes `maxBodyBytes` (the rest is discarded, so the 413 still reaches the client). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size <= maxBodyBytes) return void chunks.push(chunk)
      req.off('data', onData)
      req.resume()
      resolve(undefined)
    }
    req.on('data', onData)
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.once('error', reject)
  })
}

function parseAuthCode(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body)
    const authCode = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['authCode'] : undefined
    return typeof authCode === 'string' && authCode !== '' ? authCode : undefined
  } catch {
    return undefined
  }
}

function corsHeaders(deps: HttpHandlerDeps, req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin
  return origin !== undefined && deps.originAllowed(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' }
}
