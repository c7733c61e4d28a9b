// startGateway: one HTTP(S) server for the boot calls and the consumer WebSocket, and its drain.
import { createServer as createHttpServer } from 'node:http'
import type { Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { ConversationStore } from '@chatbridge/adapter'
import { WebSocketServer } from 'ws'
import { createBrandVerifier } from './brand-verifier.js'
import type { BrandVerifier } from './brand-verifier.js'
import { CloseCode } from './close-codes.js'
import type { ConsumerSocket } from './consumer-socket.js'
import { GatewayError } from './gateway-error.js'
import { GatewayWebSocket } from './gateway-websocket.js'
import { createGatewayMetrics } from './gateway-metrics.js'
import type { GatewayMetrics } from './gateway-metrics.js'
import { resolveGatewayOptions } from './gateway-options.js'
import type { GatewayOptions, ResolvedGatewayOptions } from './gateway-options.js'
import { createHttpHandler } from './http-handler.js'
import { legacyEngine } from './legacy-engine.js'
import type { LegacyEngine } from './legacy-engine.js'
import { startOrphanSweeper } from './orphan-sweeper.js'
import { isOriginAllowed } from './origin-policy.js'
import { SignupLimit } from './signup-limit.js'
import { SocketRegistry } from './socket-registry.js'
import { selfSignedCredentials } from './tls-credentials.js'
import { createTokenService } from './token-service.js'
import type { TokenService } from './token-service.js'
import { createUpgradeHandler } from './upgrade-handler.js'
import { DeadlineHeap } from './deadline-heap.js'
import { TokenRate } from './token-bucket.js'

/** A running gateway. */
export interface Gateway {
  /** The listening origin, e.g. `http://127.0.0.1:40123` (`https:` with TLS). */
  readonly url: string
  /** The consumer socket's URL, e.g. `ws://127.0.0.1:40123/ws_api/account/123/messaging/consumer?v=3`. */
  readonly wsUrl: string
  /** The `host[:port]` the domain lookup tells clients. */
  readonly publicHost: string
  /** The gateway's metrics, for the engine behind the sessions to feed. */
  readonly metrics: GatewayMetrics
  /** Drains: refuses new work, closes every socket with 1001, stops the server; resolves when all is closed. */
  close(): Promise<void>
}

/**
 * Starts the gateway: validates `options` (throwing `E_GATEWAY_OPTIONS`), builds the engine of
 * `legacy` (one legacy client, a connection per consumer) unless `sessions` is given, prepares the
 * signing key and TLS, and listens. Resolves once the server accepts connections.
 *
 * @example
 * ```ts
 * const gateway = await startGateway({ accountId: '12345678', legacy: { accountRoot, appKey }, port: 8080 })
 * // clients: CSDS at gateway.url, the socket at gateway.wsUrl
 * await gateway.close()
 * ```
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const metrics = createGatewayMetrics(options.now)
  let engine: LegacyEngine | undefined
  const resolved = resolveGatewayOptions(options, (legacy, abandonAfterMs) => {
    engine = legacyEngine(legacy, { abandonAfterMs, metrics, store: options.store, relay: options.relay, ...(options.onError === undefined ? {} : { onError: options.onError }) })
    return engine.sessions
  })
  try {
    return withOrphanSweep(await prepareAndServe(resolved, metrics, engine, options.store), engine, options.store)
  } catch (error) {
    await engine?.close()
    throw error
  }
}

/** With a store whose leases expire, a dead process's chats are swept up here even while their consumers are away. */
function withOrphanSweep(gateway: Gateway, engine: LegacyEngine | undefined, store: ConversationStore | undefined): Gateway {
  if (engine === undefined || store === undefined || !Number.isFinite(store.leaseTtlMs ?? Infinity)) return gateway
  const sweeper = startOrphanSweeper({ store, registry: engine.registry })
  let closing: Promise<void> | undefined
  return { ...gateway, close: () => (closing ??= sweeper.close().then(() => gateway.close())) }
}

async function prepareAndServe(
  resolved: ResolvedGatewayOptions,
  metrics: GatewayMetrics,
  engine: LegacyEngine | undefined,
  store: ConversationStore | undefined,
): Promise<Gateway> {
  const tokens = await prepare('signingKey', () =>
    createTokenService({
      accountId: resolved.accountId,
      issuer: resolved.issuer,
      signingKey: resolved.signingKey,
      identityTtlMs: resolved.identityTtlMs,
      authenticatedTtlMs: resolved.authenticatedTtlMs,
      now: resolved.now,
    }),
  )
  const brand = await prepare('brandKey', () => Promise.resolve(createBrandVerifier(resolved)))
  const credentials = resolved.tls === 'self-signed' ? await selfSignedCredentials(resolved.host) : resolved.tls
  const server = credentials === undefined ? createHttpServer() : createHttpsServer({ cert: credentials.cert, key: credentials.key })
  return serve(server, resolved, { tokens, brand, metrics, engine, store }, credentials === undefined ? 'http' : 'https')
}

async function prepare<T>(option: string, make: () => Promise<T>): Promise<T> {
  try {
    return await make()
  } catch (error) {
    if (error instanceof GatewayError) throw error
    throw new GatewayError('E_GATEWAY_OPTIONS', `${option} could not be used; e.g. startGateway({ accountId: '12345678', sessions })`, {
      cause: error,
    })
  }
}

/** Client addresses the signup limit remembers: about 1 MB at most, whatever a flood of addresses. */
const maxSignupAddresses = 10_000

interface GatewayParts {
  readonly tokens: TokenService
  readonly brand: BrandVerifier | undefined
  readonly metrics: GatewayMetrics
  readonly engine: LegacyEngine | undefined
  readonly store: ConversationStore | undefined
}

async function serve(server: Server, options: ResolvedGatewayOptions, parts: GatewayParts, scheme: 'http' | 'https'): Promise<Gateway> {
  const { tokens, brand, metrics, engine, store } = parts
  const registry = new SocketRegistry<ConsumerSocket>(metrics)
  const deadlines = new DeadlineHeap<ConsumerSocket>()
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: options.maxFrameBytes, WebSocket: GatewayWebSocket })
  let draining = false
  let own: readonly string[] = []
  let publicHost = ''
  const originAllowed = (origin: string | undefined): boolean => isOriginAllowed(origin, own, options.allowedOrigins)
  const verify = (jwt: string): ReturnType<TokenService['verify']> => tokens.verify(jwt)

  server.on('request', createHttpHandler({
    accountId: options.accountId,
    publicHost: () => publicHost,
    tokens,
    brand,
    metrics,
    ready: options.ready,
    draining: () => draining,
    notReady: () => (store?.available === false ? 'the conversation store is unreachable' : undefined),
    originAllowed,
    onError: options.onError,
    signupLimit: new SignupLimit({ perSecond: options.signupsPerSecond, burst: options.signupBurst, maxAddresses: maxSignupAddresses, now: options.now }),
    trustedProxies: options.trustedProxies,
    ...(options.staticDir === undefined ? {} : { staticDir: options.staticDir }),
  }))
  const requestRate = new TokenRate(options.requestsPerSecond, options.requestBurst, options.now)
  server.on('upgrade', createUpgradeHandler({ options, metrics, registry, verify, deadlines, requestRate, wss, originAllowed, draining: () => draining }))

  await listen(server, options)
  const address = server.address() as AddressInfo
  const listenHost = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
  publicHost = options.publicHost ?? listenHost
  own = [new URL(`${scheme}://${publicHost}`).origin, new URL(`${scheme}://${listenHost}`).origin]
  const sweep = setInterval(() => {
    for (const socket of registry.sockets()) socket.heartbeat()
  }, options.pingIntervalMs)

  let closing: Promise<void> | undefined
  const drain = async (): Promise<void> => {
    draining = true
    clearInterval(sweep)
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    for (const socket of registry.sockets()) socket.shutdown(CloseCode.goingAway, 'the gateway is shutting down')
    let timer: NodeJS.Timeout | undefined
    await Promise.race([registry.whenEmpty(), new Promise((resolve) => (timer = setTimeout(resolve, options.drainTimeoutMs)))])
    clearTimeout(timer)
    for (const socket of registry.sockets()) socket.terminate()
    deadlines.close()
    server.closeAllConnections()
    wss.close()
    // The sockets are gone: the consumers' connections (their chats stay, to time out on the legacy side) and the client.
    await engine?.close()
    await stopped
  }
  return {
    url: `${scheme}://${listenHost}`,
    wsUrl: `${scheme === 'https' ? 'wss' : 'ws'}://${listenHost}/ws_api/account/${options.accountId}/messaging/consumer?v=3`,
    publicHost,
    metrics,
    close: () => (closing ??= drain()),
  }
}

function listen(server: Server, options: ResolvedGatewayOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(new GatewayError('E_LISTEN', `cannot listen on ${options.host}:${options.port}: ${error.message}`, { cause: error }))
    server.once('error', onError)
    server.listen(options.port, options.host, () => {
      server.off('error', onError)
      resolve()
    })
  })
}
