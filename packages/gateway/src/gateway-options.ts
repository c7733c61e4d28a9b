// The options of startGateway, resolved and validated once, before anything listens.
import type { ConnectionOptions, ConversationRelay, ConversationStore } from '@chatbridge/adapter'
import type { ChatFormat, LegacyChatClientOptions } from '@chatbridge/core'
import { statSync } from 'node:fs'
import { isIP } from 'node:net'
import { resolve as resolvePath } from 'node:path'
import type { JWK } from 'jose'
import type { BrandKey } from './brand-verifier.js'
import { GatewayError } from './gateway-error.js'
import type { SessionFactory } from './session-port.js'

/** Options of `startGateway`. Durations are milliseconds, sizes bytes. */
export interface GatewayOptions {
  /** The legacy account this gateway serves; other account ids in paths get 404. */
  readonly accountId: string
  /** The legacy account to serve: the gateway makes the client, the consumers' connections and their sessions. */
  readonly legacy?: LegacyTarget
  /** Makes the Messaging session of each socket, instead of `legacy` (tests, custom hosts); give one of the two. */
  readonly sessions?: SessionFactory
  /** With `legacy`: with no socket of a consumer for this long, its open chats are ended as the visitor leaving. Default 10 min. */
  readonly abandonAfterMs?: number
  /** Interface to listen on; default `127.0.0.1`. */
  readonly host?: string
  /** Port; `0` (the default) takes a free one. */
  readonly port?: number
  /** `host[:port]` told to clients by the domain lookup (behind a proxy); default the listening host and port. */
  readonly publicHost?: string
  /** TLS certificate and key (PEM); serves `https:`/`wss:`. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer }
  /** Serves TLS with a certificate generated at start for `host` (local use only). */
  readonly selfSigned?: boolean
  /** Private EC P-256 JWK that signs consumer tokens; default a key generated at start. */
  readonly signingKey?: JWK
  /** `iss` of consumer tokens; default `chatbridge-gateway:{accountId}`. */
  readonly issuer?: string
  /** Lifetime of unauthenticated (`signup`) tokens; default 24 h. */
  readonly identityTtlMs?: number
  /** Longest lifetime of authenticated tokens; default 1 h (shorter if the brand token expires sooner). */
  readonly authenticatedTtlMs?: number
  /** The brand's public key that `authenticate` verifies brand JWTs with. */
  readonly brandKey?: BrandKey
  /** The brand's JWKS URL, instead of `brandKey`. */
  readonly brandJwks?: string | URL
  /** `iss` that brand tokens must carry. */
  readonly brandIssuer?: string
  /** `aud` that brand tokens must carry. */
  readonly brandAudience?: string
  /** Origins (e.g. `https://shop.example`) that may open sockets, besides the gateway's own; default loopback origins. */
  readonly allowedOrigins?: readonly string[]
  /** Largest frame a consumer may send; over it the socket closes with 1009. Default 64 KiB. */
  readonly maxFrameBytes?: number
  /** Largest outgoing buffer of a socket; past it the socket closes with 1013. Default 1 MiB. */
  readonly maxBufferedBytes?: number
  /** Sustained requests per second per socket; past the burst, requests get 429. Default 20. */
  readonly requestsPerSecond?: number
  /** Requests a socket may send at once before the rate applies. Default 40. */
  readonly requestBurst?: number
  /** Sustained signups per second per client address; past the burst, signup answers 429. Default 1. */
  readonly signupsPerSecond?: number
  /** Signups a client address may make at once before the rate applies. Default 10. */
  readonly signupBurst?: number
  /** Proxy addresses whose `X-Forwarded-For` names the client (for the signup limit); default none: the peer address counts. */
  readonly trustedProxies?: readonly string[]
  /** A directory served at `/` instead of the built-in chat window (same file rules and CSP); `false` for none. */
  readonly staticDir?: string | false
  /** Open sockets one consumer may hold. Default 10. */
  readonly maxSocketsPerConsumer?: number
  /** Open sockets one remote address may hold. Default 1000. */
  readonly maxSocketsPerAddress?: number
  /** A socket with no frame (not even `GetClock` or a ping) for this long closes with 4000. Default 120 s. */
  readonly idleTimeoutMs?: number
  /** Interval of the gateway's pings; a socket that did not answer the previous one is dropped. Default 30 s. */
  readonly pingIntervalMs?: number
  /** A socket not authenticated (upgrade header or `InitConnection`) within this closes with 1008. Default 10 s. */
  readonly authTimeoutMs?: number
  /** How long `close()` waits for sockets to finish their closing handshake. Default 5 s. */
  readonly drainTimeoutMs?: number
  /**
   * With `legacy`: where the consumers' conversations are kept, shared by every gateway process of
   * a deployment (e.g. `RedisConversationStore` of `@chatbridge/redis`): a consumer reconnecting to
   * another process continues its open conversation there, and a dead process's chats are taken
   * over as their leases expire. While `store.available` is false `/readyz` answers 503. Default:
   * this process's memory.
   */
  readonly store?: ConversationStore
  /** With `store`: how processes share a chat one polls (`@chatbridge/redis`'s `RedisConversationRelay`): a socket elsewhere follows it. Default none. */
  readonly relay?: ConversationRelay
  /** Extra readiness check for `/readyz` (e.g. a Redis ping). */
  readonly ready?: () => boolean | Promise<boolean>
  /** Told of failures the gateway absorbed (a session that threw, a socket error); never given a token. */
  readonly onError?: (error: Error) => void
  /** Epoch milliseconds now; for tests. */
  readonly now?: () => number
}

/** The legacy account behind a gateway (`startGateway({ legacy })`). */
export interface LegacyTarget {
  /** The account root URI, `https://{domain}/api/account/{accountId}`. */
  readonly accountRoot: string | URL
  /** The app key; never shown in errors or logs. */
  readonly appKey: string
  /** Wire format with the legacy server; default `'json'`. */
  readonly format?: ChatFormat
  /** Further options of core's `LegacyChatClient` (timeouts, dispatcher, allowed origins). */
  readonly clientOptions?: Omit<LegacyChatClientOptions, 'accountRoot' | 'appKey' | 'format'>
  /** Options of each consumer's `Connection` (poll pacing, backoff, skill map…). */
  readonly connection?: ConnectionOptions
}

/** Makes the sessions of `legacy` once the options are valid; see {@link resolveGatewayOptions}. @internal */
export type LegacySessionsMaker = (legacy: LegacyTarget, abandonAfterMs: number) => SessionFactory

/** The options with every default applied; made once by {@link resolveGatewayOptions}. */
export interface ResolvedGatewayOptions {
  readonly accountId: string
  readonly sessions: SessionFactory
  readonly abandonAfterMs: number
  readonly host: string
  readonly port: number
  readonly publicHost: string | undefined
  readonly tls: { readonly cert: string | Buffer; readonly key: string | Buffer } | 'self-signed' | undefined
  readonly signingKey: JWK | undefined
  readonly issuer: string
  readonly identityTtlMs: number
  readonly authenticatedTtlMs: number
  readonly brandKey: BrandKey | undefined
  readonly brandJwks: URL | undefined
  readonly brandIssuer: string | undefined
  readonly brandAudience: string | undefined
  readonly allowedOrigins: readonly string[] | undefined
  readonly maxFrameBytes: number
  readonly maxBufferedBytes: number
  readonly requestsPerSecond: number
  readonly requestBurst: number
  readonly signupsPerSecond: number
  readonly signupBurst: number
  readonly trustedProxies: readonly string[]
  readonly staticDir: string | false | undefined
  readonly maxSocketsPerConsumer: number
  readonly maxSocketsPerAddress: number
  readonly idleTimeoutMs: number
  readonly pingIntervalMs: number
  readonly authTimeoutMs: number
  readonly drainTimeoutMs: number
  readonly ready: () => boolean | Promise<boolean>
  readonly onError: (error: Error) => void
  readonly now: () => number
}

const example = "startGateway({ accountId: '12345678', sessions })"

function invalid(what: string): never {
  throw new GatewayError('E_GATEWAY_OPTIONS', `${what}; e.g. ${example}`)
}

function positive(options: GatewayOptions, key: keyof GatewayOptions, fallback: number): number {
  const value: unknown = options[key] ?? fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    invalid(`${key} must be a positive number, got ${typeof value === 'number' ? value : typeof value}`)
  }
  return value
}

function checkLegacy(legacy: LegacyTarget): void {
  const root = String(legacy.accountRoot)
  if (!URL.canParse(root) || !/^https?:$/.test(new URL(root).protocol)) invalid('legacy.accountRoot must be the http(s) account root URI')
  if (typeof legacy.appKey !== 'string' || legacy.appKey === '') invalid('legacy.appKey must be the app key')
  if (legacy.format !== undefined && legacy.format !== 'json' && legacy.format !== 'xml') invalid('legacy.format must be "json" or "xml"')
}

/**
 * Applies the defaults and validates `options`; throws `E_GATEWAY_OPTIONS` with a correct call in
 * the message. With `legacy`, `makeSessions` builds the sessions once everything else is valid.
 */
export function resolveGatewayOptions(options: GatewayOptions, makeSessions?: LegacySessionsMaker): ResolvedGatewayOptions {
  if (typeof options !== 'object' || options === null) invalid('startGateway needs an options object')
  const { accountId, legacy } = options
  if (typeof accountId !== 'string' || !/^[\w-]{1,64}$/.test(accountId)) invalid('accountId must be the account id (letters, digits, _ or -)')
  if (legacy !== undefined && options.sessions !== undefined) invalid('give legacy or sessions, not both')
  if (legacy === undefined && typeof options.sessions?.open !== 'function') {
    invalid('sessions must be a SessionFactory with open(sink, context), or give legacy: { accountRoot, appKey }')
  }
  if (legacy !== undefined) checkLegacy(legacy)
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) invalid(`port must be an integer 0-65535, got ${String(port)}`)
  const host = options.host ?? '127.0.0.1'
  if (typeof host !== 'string' || host === '') invalid('host must be a host name or address')
  if (options.publicHost !== undefined && !/^[\w.-]+(:\d{1,5})?$|^\[[\da-fA-F:.]+\](:\d{1,5})?$/.test(options.publicHost)) {
    invalid(`publicHost must be host[:port] without a scheme, got "${options.publicHost}"`)
  }
  if (options.tls !== undefined && options.selfSigned === true) invalid('give tls or selfSigned, not both')
  if (options.tls !== undefined && (options.tls.cert === undefined || options.tls.key === undefined)) invalid('tls needs both cert and key (PEM)')
  const key = options.signingKey
  if (key !== undefined && (key.kty !== 'EC' || key.crv !== 'P-256' || typeof key.d !== 'string')) {
    invalid('signingKey must be a private EC P-256 JWK (kty "EC", crv "P-256", with d)')
  }
  if (options.brandKey !== undefined && options.brandJwks !== undefined) invalid('give brandKey or brandJwks, not both')
  let brandJwks: URL | undefined
  if (options.brandJwks !== undefined) {
    brandJwks = URL.canParse(String(options.brandJwks)) ? new URL(String(options.brandJwks)) : invalid('brandJwks must be an http(s) URL')
    if (brandJwks.protocol !== 'https:' && brandJwks.protocol !== 'http:') invalid('brandJwks must be an http(s) URL')
  }
  for (const origin of options.allowedOrigins ?? []) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) invalid(`allowedOrigins entries must be origins like "https://shop.example", got "${origin}"`)
  }
  for (const proxy of options.trustedProxies ?? []) if (isIP(proxy) === 0) invalid(`trustedProxies entries must be IP addresses, got "${proxy}"`)
  const { staticDir } = options
  if (staticDir !== undefined && staticDir !== false && (typeof staticDir !== 'string' || !statSync(staticDir, { throwIfNoEntry: false })?.isDirectory())) {
    invalid(`staticDir must be an existing directory or false, got ${JSON.stringify(staticDir)}`)
  }
  const resolved: Omit<ResolvedGatewayOptions, 'sessions'> = {
    accountId,
    abandonAfterMs: positive(options, 'abandonAfterMs', 600_000),
    host,
    port,
    publicHost: options.publicHost,
    tls: options.selfSigned === true ? 'self-signed' : options.tls,
    signingKey: key,
    issuer: options.issuer ?? `chatbridge-gateway:${accountId}`,
    identityTtlMs: positive(options, 'identityTtlMs', 24 * 3600_000),
    authenticatedTtlMs: positive(options, 'authenticatedTtlMs', 3600_000),
    brandKey: options.brandKey,
    brandJwks,
    brandIssuer: options.brandIssuer,
    brandAudience: options.brandAudience,
    allowedOrigins: options.allowedOrigins,
    maxFrameBytes: positive(options, 'maxFrameBytes', 64 * 1024),
    maxBufferedBytes: positive(options, 'maxBufferedBytes', 1024 * 1024),
    requestsPerSecond: positive(options, 'requestsPerSecond', 20),
    requestBurst: positive(options, 'requestBurst', 40),
    signupsPerSecond: positive(options, 'signupsPerSecond', 1),
    signupBurst: positive(options, 'signupBurst', 10),
    trustedProxies: options.trustedProxies ?? [],
    // Absolute now, so a later change of the working directory serves the same files.
    staticDir: typeof staticDir === 'string' ? resolvePath(staticDir) : staticDir,
    maxSocketsPerConsumer: positive(options, 'maxSocketsPerConsumer', 10),
    maxSocketsPerAddress: positive(options, 'maxSocketsPerAddress', 1000),
    idleTimeoutMs: positive(options, 'idleTimeoutMs', 120_000),
    pingIntervalMs: positive(options, 'pingIntervalMs', 30_000),
    authTimeoutMs: positive(options, 'authTimeoutMs', 10_000),
    drainTimeoutMs: positive(options, 'drainTimeoutMs', 5000),
    ready: options.ready ?? (() => true),
    onError: options.onError ?? (() => undefined),
    now: options.now ?? Date.now,
  }
  // Made last, so an invalid option never leaves a legacy client behind.
  const sessions = options.sessions ?? (legacy !== undefined && makeSessions !== undefined ? makeSessions(legacy, resolved.abandonAfterMs) : invalid('legacy needs startGateway'))
  return { ...resolved, sessions }
}
