/**
 * The body-limit layer: a response larger than `maxBodyBytes` is refused early on its
 * `Content-Length` and cut off as soon as the limit is passed, so a hostile server cannot make
 * the client buffer more than the limit.
 */
import { BodyTooLargeError } from '../errors.js'
import { redactUri } from '../redact.js'
import { ForwardingResponse, type HttpResponse, type Layer } from './handler.js'

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

class LimitedResponse extends ForwardingResponse {
  readonly #limitBytes: number

  constructor(inner: HttpResponse, limitBytes: number) {
    super(inner)
    this.#limitBytes = limitBytes
  }

  /** A caller's own lower limit is honoured as such: only passing this layer's limit is an error. */
  override async read(limitBytes: number): Promise<Uint8Array | undefined> {
    const bytes = await this.inner.read(Math.min(limitBytes, this.#limitBytes))
    if (bytes === undefined && limitBytes >= this.#limitBytes) throw tooLarge(this, this.#limitBytes)
    return bytes
  }
}
