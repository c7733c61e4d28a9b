/**
 * The format layer, where documents meet bytes: it asks for the client's media type, serialises a
 * JSON-shaped body in it, and turns the answer back into a document — read as UTF-8, parsed in the
 * format the response declares, or mapped to an `HttpError` when the status is not a success.
 */
import { decodeError } from '../decode.js'
import type { DocumentOrigin } from '../decode.js'
import type { ChatFormat, RequestOptions } from '../options.js'
import { redactUri } from '../redact.js'
import { responseFormat } from '../wire-format.js'
import type { WireFormat } from '../wire-format.js'
import type { Handler } from './handler.js'
import { httpError } from './http-error.js'

/** A request as the client describes it; the layers add auth, `v=1`, format and limits. */
export interface TransportRequest extends RequestOptions {
  readonly method: 'GET' | 'POST'
  readonly uri: URL
  /** Sent as `X-HTTP-Method-Override`, the legacy API's way of saying PUT. */
  readonly override?: 'PUT' | 'DELETE'
  /** A body in JSON shape; serialised in the client's format. */
  readonly body?: Readonly<Record<string, unknown>>
  /** The resource whose link led here, for error messages (text: most requests never need it parsed). */
  readonly via?: URL | string
}

/** A successful response, its body parsed into the JSON shape (`undefined` when empty). */
export interface TransportResponse {
  readonly status: number
  readonly uri: URL
  readonly format: ChatFormat
  /** The `Location` header, absolute and without the version parameters. */
  readonly location: URL | undefined
  readonly document: unknown
  header(name: string): string | null
}

const EMPTY = new Uint8Array(0)
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/** Turns a handler of HTTP requests into one of documents in `format`. */
export function formatNegotiation(format: WireFormat): (next: Handler) => Handler<TransportRequest, TransportResponse> {
  return (next) => async (request) => {
    const headers: Record<string, string> = { accept: format.mediaType }
    if (request.override !== undefined) headers['x-http-method-override'] = request.override
    const serialized = request.body === undefined ? undefined : format.serialize(request.body)
    if (serialized !== undefined) headers['content-type'] = `${serialized.mediaType}; charset=utf-8`
    const response = await next({
      method: request.method,
      url: request.uri,
      headers,
      body: serialized?.text,
      signal: request.signal,
      timeoutMs: request.timeoutMs,
      via: request.via,
    })
    // No limit of its own: the body-limit layer below throws past its limit, so nothing comes back undefined.
    const bytes = (await response.read(Number.POSITIVE_INFINITY)) ?? EMPTY
    const contentType = response.header('content-type')
    const answered = responseFormat(contentType, format)
    // Built only on failure: redacting the URI costs a parse, and most responses are fine.
    const origin = (): DocumentOrigin => ({ uri: redactUri(response.url), status: response.status, format: answered.name })
    let text: string
    try {
      text = utf8.decode(bytes)
    } catch (cause) {
      throw decodeError(origin(), 'the body is not valid UTF-8', { cause })
    }
    if (response.status >= 300) throw httpError(response, request.method, parseQuietly(answered, text))
    let document: unknown
    if (text.trim() !== '') {
      try {
        document = answered.parse(text)
      } catch (cause) {
        const type = contentType === null ? 'no content type' : `content type ${contentType}`
        const reason = cause instanceof Error ? cause.message : String(cause)
        throw decodeError(origin(), `not well-formed ${answered.name.toUpperCase()} (${type}): ${reason}`, { cause })
      }
    }
    const location = response.header('location')
    return {
      status: response.status,
      uri: response.url,
      format: answered.name,
      location: location === null ? undefined : safeUrl(location, response.url),
      document,
      header: (name) => response.header(name),
    }
  }
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
