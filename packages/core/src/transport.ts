import type * as t from 'io-ts'
import { Agent } from 'undici'
import type { Dispatcher } from 'undici'
import { decodeWith } from './decode.js'
import type { DocumentOrigin } from './decode.js'
import { AbortedError, ChatBridgeError, ChatGoneError, DecodeError, HttpError, NetworkError, TimeoutError } from './errors.js'
import { fetchCall, requestCall } from './http-call.js'
import type { HttpCall, HttpExchange } from './http-call.js'
import { isRecord } from './lenient-codecs.js'
import { assertAllowedOrigin } from './links.js'
import type { ChatFormat, LegacyChatClientOptions, RequestOptions } from './options.js'
import { readBody } from './read-body.js'
import { redactUri, scrubSecret } from './redact.js'
import { responseFormat, wireFormat } from './wire-format.js'
import type { WireFormat } from './wire-format.js'
import { LegacyInternalCode } from './legacy-internal-code.js'

/** A request as the client describes it; the transport adds auth, `v=1`, format and limits. */
export interface TransportRequest extends RequestOptions {
  readonly method: 'GET' | 'POST'
  readonly uri: URL
  /** Sent as `X-HTTP-Method-Override`, the legacy API's way of saying PUT. */
  readonly override?: 'PUT' | 'DELETE'
  /** A body in JSON shape; serialised in the client's format. */
  readonly body?: Readonly<Record<string, unknown>>
  /** The resource whose link led here, for error messages. */
  readonly via?: URL
}

/** A successful response, its body parsed into the JSON shape (`undefined` when empty). */
export interface TransportResponse {
  readonly status: number
  readonly uri: URL
  readonly format: ChatFormat
  readonly location: URL | undefined
  readonly document: unknown
  header(name: string): string | null
}

const DEFAULTS = {
  format: 'json',
  connections: 16,
  requestTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  maxBodyBytes: 1_048_576,
  transport: 'request',
} as const

const MAX_REDIRECTS = 5

// Failures that prove the request never reached the server; anything else may have been applied.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

// The dispatcher was closed or destroyed (`client.close()`, or a dispatcher closed by its owner).
const CLIENT_CLOSED = new Set(['UND_ERR_DESTROYED', 'UND_ERR_CLOSED'])

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/**
 * All HTTP of chatbridge goes through here: credentials only to the account's origin, `v=1` on
 * every request, format negotiation, timeouts and aborts, size limits, and the mapping of every
 * failure to a typed error with no secret in it.
 */
export class Transport {
  readonly home: URL
  readonly format: WireFormat
  readonly #appKey: string
  readonly #allowed: ReadonlySet<string>
  readonly #dispatcher: Dispatcher
  readonly #ownsDispatcher: boolean
  readonly #call: HttpCall
  readonly #timeoutMs: number
  readonly #maxBodyBytes: number

  constructor(home: URL, options: LegacyChatClientOptions) {
    this.home = home
    this.#appKey = options.appKey
    this.format = wireFormat(options.format ?? DEFAULTS.format)
    this.#allowed = new Set((options.allowedOrigins ?? []).map((origin) => new URL(origin).origin))
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes
    this.#call = (options.transport ?? DEFAULTS.transport) === 'request' ? requestCall : fetchCall
    this.#ownsDispatcher = options.dispatcher === undefined
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connections: options.connections ?? DEFAULTS.connections,
        pipelining: 1,
        connectTimeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      })
  }

  /** Sends a request; resolves for 2xx, throws a typed {@link ChatBridgeError} otherwise. */
  async send(request: TransportRequest): Promise<TransportResponse> {
    try {
      return await this.#send(request)
    } catch (error) {
      throw this.#scrub(error)
    }
  }

  /** Decodes a response's document with a codec; failures are scrubbed like every other error. */
  decode<A>(codec: t.Decoder<unknown, A>, response: TransportResponse): A {
    try {
      return decodeWith(codec, response.document, () => ({ uri: redactUri(response.uri), status: response.status, format: response.format }))
    } catch (error) {
      throw this.#scrub(error)
    }
  }

  /** Closes the dispatcher if the transport created it. */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close()
  }

  async #send(request: TransportRequest): Promise<TransportResponse> {
    let uri = withVersion(request.uri)
    for (let hop = 0; ; hop += 1) {
      const exchange = await this.#exchange(request, uri)
      const location = exchange.header('location')
      const status = exchange.status
      if (status >= 300 && status < 400 && location !== null && request.method === 'GET' && hop < MAX_REDIRECTS) {
        exchange.discard()
        uri = withVersion(new URL(location, uri))
        continue
      }
      return await this.#complete(request, uri, exchange)
    }
  }

  async #exchange(request: TransportRequest, uri: URL): Promise<HttpExchange> {
    assertAllowedOrigin(uri, this.home, this.#allowed, request.via ?? this.home)
    const headers: Record<string, string> = { accept: this.format.mediaType }
    // The key goes home only; an allowed foreign origin gets the request without it.
    if (uri.origin === this.home.origin && this.#appKey !== '') headers['authorization'] = `LivePerson appKey=${this.#appKey}`
    if (request.override !== undefined) headers['x-http-method-override'] = request.override
    const serialized = request.body === undefined ? undefined : this.format.serialize(request.body)
    const body = serialized?.text
    if (serialized !== undefined) headers['content-type'] = `${serialized.mediaType}; charset=utf-8`

    const timeoutMs = request.timeoutMs ?? this.#timeoutMs
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new TimeoutSignal()), timeoutMs)
    const onAbort = (): void => controller.abort(request.signal?.reason)
    if (request.signal?.aborted === true) onAbort()
    request.signal?.addEventListener('abort', onAbort, { once: true })
    const done = (): void => {
      clearTimeout(timer)
      request.signal?.removeEventListener('abort', onAbort)
    }
    const method = request.method
    try {
      const exchange = await this.#call({ url: uri, method, headers, body, signal: controller.signal, dispatcher: this.#dispatcher })
      // The timer and abort keep covering the body, which is read later.
      return wrapBody(exchange, done, (error) => this.#failure(error, controller.signal, method, uri, timeoutMs, true))
    } catch (error) {
      done()
      throw this.#failure(error, controller.signal, method, uri, timeoutMs, false)
    }
  }

  async #complete(request: TransportRequest, uri: URL, exchange: HttpExchange): Promise<TransportResponse> {
    const shown = (): string => redactUri(uri)
    const bytes = await readBody(exchange, this.#maxBodyBytes, shown)
    const contentType = exchange.header('content-type')
    const format = responseFormat(contentType, this.format)
    // Built only on failure: redacting the URI costs a parse, and most responses are fine.
    const origin = (): DocumentOrigin => ({ uri: shown(), status: exchange.status, format: format.name })
    let text: string
    try {
      text = utf8.decode(bytes)
    } catch (cause) {
      throw new DecodeError({ ...origin(), path: '', detail: 'the body is not valid UTF-8', cause })
    }
    if (exchange.status >= 300) throw httpError(exchange, request.method, shown(), parseQuietly(format, text))
    let document: unknown
    if (text.trim() !== '') {
      try {
        document = format.parse(text)
      } catch (cause) {
        const type = contentType === null ? 'no content type' : `content type ${contentType}`
        const reason = cause instanceof Error ? cause.message : String(cause)
        throw new DecodeError({ ...origin(), path: '', detail: `not well-formed ${format.name.toUpperCase()} (${type}): ${reason}`, cause })
      }
    }
    const location = exchange.header('location')
    return {
      status: exchange.status,
      uri,
      format: format.name,
      location: location === null ? undefined : safeUrl(location, uri),
      document,
      header: (name) => exchange.header(name),
    }
  }

  #failure(error: unknown, signal: AbortSignal, method: string, target: URL, timeoutMs: number, responded: boolean): ChatBridgeError {
    if (error instanceof ChatBridgeError) return error
    const uri = redactUri(target)
    if (signal.aborted) {
      if (signal.reason instanceof TimeoutSignal) return new TimeoutError({ method, uri, timeoutMs, cause: error })
      return new AbortedError({ method, uri, cause: error })
    }
    const code = errorCode(error)
    // A closed client is the caller's doing, not a flaky network: retrying it would never end.
    if (code !== undefined && CLIENT_CLOSED.has(code)) return new AbortedError({ method, uri, cause: error })
    const outcomeUnknown = responded || code === undefined || !NOT_SENT.has(code)
    return new NetworkError({ method, uri, outcomeUnknown, cause: error, reason: code ?? messageOf(error) })
  }

  #scrub(error: unknown): unknown {
    if (error instanceof Error && this.#appKey !== '' && error.message.includes(this.#appKey)) {
      error.message = scrubSecret(error.message, this.#appKey)
    }
    if (error instanceof Error && error.stack !== undefined && this.#appKey !== '') {
      error.stack = scrubSecret(error.stack, this.#appKey)
    }
    return error
  }
}

class TimeoutSignal {}

/** Adds `v=1` and `NC=true` unless the link already carries them; its own query is kept. */
function withVersion(uri: URL): URL {
  const url = new URL(uri)
  if (!url.searchParams.has('v')) url.searchParams.set('v', '1')
  if (!url.searchParams.has('NC')) url.searchParams.set('NC', 'true')
  return url
}

function wrapBody(exchange: HttpExchange, done: () => void, fail: (error: unknown) => ChatBridgeError): HttpExchange {
  return {
    status: exchange.status,
    header: (name) => exchange.header(name),
    discard: () => {
      done()
      exchange.discard()
    },
    body: {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const chunk of exchange.body) yield chunk
        } catch (error) {
          throw fail(error)
        } finally {
          done()
        }
      },
    },
  }
}

function httpError(exchange: HttpExchange, method: string, uri: string, document: unknown): HttpError {
  const body = isRecord(document) && isRecord(document['error']) ? document['error'] : {}
  const internal = Number(body['internalCode'])
  const init = {
    status: exchange.status,
    internalCode: Number.isFinite(internal) && body['internalCode'] !== undefined ? internal : undefined,
    serverMessage: typeof body['message'] === 'string' ? body['message'] : undefined,
    method,
    uri,
    retryAfterMs: retryAfter(exchange.header('retry-after')),
  }
  return init.status === 404 && init.internalCode === LegacyInternalCode.ChatNotFound ? new ChatGoneError(init) : new HttpError(init)
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function parseQuietly(format: WireFormat, text: string): unknown {
  try {
    return text.trim() === '' ? undefined : format.parse(text)
  } catch {
    return undefined
  }
}

function safeUrl(href: string, base: URL): URL | undefined {
  try {
    return new URL(href, base)
  } catch {
    return undefined
  }
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
  }
  return undefined
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
