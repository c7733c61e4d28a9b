/**
 * The error-mapping layer below HTTP: a failure of the connection (before the head or while the
 * body streams) becomes a `NetworkError` saying whether the server may have applied the request,
 * or an `AbortedError` when the client itself was closed.
 */
import { AbortedError, ChatBridgeError, NetworkError } from '../errors.js'
import { redactUri } from '../redact.js'
import { watchBody } from './handler.js'
import type { BodyWatch, HttpRequest, Layer } from './handler.js'

// Failures that prove the request never reached the server; anything else may have been applied.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

// The dispatcher was closed or destroyed (`client.close()`, or a dispatcher closed by its owner).
const CLIENT_CLOSED = new Set(['UND_ERR_DESTROYED', 'UND_ERR_CLOSED'])

/** Maps what the HTTP call throws to typed errors; typed errors from below pass unchanged. */
export function networkErrors(): Layer {
  return (next) => async (request) => {
    try {
      const response = await next(request)
      return watchBody(response, new StreamingFailure(request))
    } catch (error) {
      throw networkFailure(error, request.method, request.url, false)
    }
  }
}

/** The typed error for a failure below HTTP; `responded` when the head had already arrived. */
export function networkFailure(error: unknown, method: string, target: URL, responded: boolean): ChatBridgeError {
  if (error instanceof ChatBridgeError) return error
  const uri = redactUri(target)
  const code = errorCode(error)
  // A closed client is the caller's doing, not a flaky network: retrying it would never end.
  if (code !== undefined && CLIENT_CLOSED.has(code)) return new AbortedError({ method, uri, cause: error })
  const outcomeUnknown = responded || code === undefined || !NOT_SENT.has(code)
  return new NetworkError({ method, uri, outcomeUnknown, cause: error, reason: code ?? messageOf(error) })
}

// What fails while the body streams comes after the head: the server may have applied the request.
class StreamingFailure implements BodyWatch {
  readonly #request: HttpRequest

  constructor(request: HttpRequest) {
    this.#request = request
  }

  failure(error: unknown): unknown {
    return networkFailure(error, this.#request.method, this.#request.url, true)
  }

  end(): void {}
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
