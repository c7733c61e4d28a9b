/**
 * The transport's defaults, in one table, and the one place options are checked and resolved:
 * the validation messages quote the same defaults the transport then uses.
 */
import type { Dispatcher } from 'undici'
import { InvalidArgumentError } from './errors.js'
import type { ChatFormat, TransportOptions } from './options.js'

/** Every default of {@link TransportOptions}. */
export const TRANSPORT_DEFAULTS = {
  format: 'json',
  connections: 16,
  requestTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  maxBodyBytes: 1_048_576,
  transport: 'request',
  allowedOrigins: [],
} as const satisfies Required<Omit<TransportOptions, 'dispatcher'>>

/** Options with every default filled in; `dispatcher` stays optional (absent: the transport owns one). */
export interface ResolvedTransportOptions {
  readonly format: ChatFormat
  readonly dispatcher: Dispatcher | undefined
  readonly connections: number
  readonly requestTimeoutMs: number
  readonly connectTimeoutMs: number
  readonly maxBodyBytes: number
  readonly allowedOrigins: readonly string[]
  readonly transport: 'fetch' | 'request'
}

const INTEGERS = ['connections', 'requestTimeoutMs', 'connectTimeoutMs', 'maxBodyBytes'] as const

/**
 * Checks and resolves transport options, failing fast with an `InvalidArgumentError` that shows a
 * correct call; `call(field)` renders that call, e.g. `new LegacyChatClient({ accountRoot, appKey, maxBodyBytes: 1048576 })`.
 */
export function resolveTransportOptions(options: TransportOptions, call: (field: string) => string): ResolvedTransportOptions {
  if (options.format !== undefined && options.format !== 'json' && options.format !== 'xml') {
    throw new InvalidArgumentError(`format must be 'json' or 'xml', got ${JSON.stringify(options.format)}`)
  }
  for (const name of INTEGERS) {
    const value = options[name]
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new InvalidArgumentError(`${name} must be a positive integer, e.g. ${call(`${name}: ${TRANSPORT_DEFAULTS[name]}`)}; got ${String(value)}`)
    }
  }
  if (options.transport !== undefined && options.transport !== 'request' && options.transport !== 'fetch') {
    throw new InvalidArgumentError(`transport must be 'request' or 'fetch', got ${JSON.stringify(options.transport)}`)
  }
  for (const origin of options.allowedOrigins ?? []) {
    if (!URL.canParse(origin)) {
      throw new InvalidArgumentError(`allowedOrigins must be absolute URIs, e.g. ${call("allowedOrigins: ['https://lo.example.net']")}; got ${JSON.stringify(origin)}`)
    }
  }
  return {
    format: options.format ?? TRANSPORT_DEFAULTS.format,
    dispatcher: options.dispatcher,
    connections: options.connections ?? TRANSPORT_DEFAULTS.connections,
    requestTimeoutMs: options.requestTimeoutMs ?? TRANSPORT_DEFAULTS.requestTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? TRANSPORT_DEFAULTS.connectTimeoutMs,
    maxBodyBytes: options.maxBodyBytes ?? TRANSPORT_DEFAULTS.maxBodyBytes,
    allowedOrigins: options.allowedOrigins ?? TRANSPORT_DEFAULTS.allowedOrigins,
    transport: options.transport ?? TRANSPORT_DEFAULTS.transport,
  }
}
