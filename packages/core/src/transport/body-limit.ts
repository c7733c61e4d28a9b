/**
 * The body-limit layer: a response larger than `maxBodyBytes` is refused early on its
 * `Content-Length` and cut off as soon as the limit is passed, so a hostile server cannot make
 * the client buffer more than the limit.
 */
import { BodyTooLargeError } from '../errors.js'
import { redactUri } from '../redact.js'
import type { HttpResponse, Layer } from './handler.js'

/** Refuses bodies over `limitBytes` with a `BodyTooLargeError`, dropping the rest of the body. */
export function bodyLimit(limitBytes: number): Layer {
  return (next) => async (request) => {
    const response = await next(request)
    const declared = Number(response.header('content-length') ?? Number.NaN)
    if (Number.isFinite(declared) && declared > limitBytes) {
      response.discard()
      throw tooLarge(response, limitBytes)
    }
    return new LimitedResponse(response, limitBytes)
  }
}

function tooLarge(response: HttpResponse, limitBytes: number): BodyTooLargeError {
  return new BodyTooLargeError({ uri: redactUri(response.url), limitBytes })
}

// A class rather than an object of closures: one is made for every response.
class LimitedResponse implements HttpResponse {
  readonly status: number
  readonly url: URL
  readonly #inner: HttpResponse
  readonly #limitBytes: number

  constructor(inner: HttpResponse, limitBytes: number) {
    this.status = inner.status
    this.url = inner.url
    this.#inner = inner
    this.#limitBytes = limitBytes
  }

  header(name: string): string | null {
    return this.#inner.header(name)
  }

  /** A caller's own lower limit is honoured as such: only passing this layer's limit is an error. */
  async read(limitBytes: number): Promise<Uint8Array | undefined> {
    const bytes = await this.#inner.read(Math.min(limitBytes, this.#limitBytes))
    if (bytes === undefined && limitBytes >= this.#limitBytes) throw tooLarge(this, this.#limitBytes)
    return bytes
  }

  discard(): void {
    this.#inner.discard()
  }
}
