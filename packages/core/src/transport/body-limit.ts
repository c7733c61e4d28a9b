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
    const tooLarge = (): BodyTooLargeError => {
      response.discard()
      return new BodyTooLargeError({ uri: redactUri(response.url), limitBytes })
    }
    const declared = Number(response.header('content-length') ?? Number.NaN)
    if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge()
    return limited(response, limitBytes, tooLarge)
  }
}

function limited(response: HttpResponse, limitBytes: number, tooLarge: () => BodyTooLargeError): HttpResponse {
  return {
    status: response.status,
    url: response.url,
    header: (name) => response.header(name),
    discard: () => response.discard(),
    body: {
      async *[Symbol.asyncIterator]() {
        let size = 0
        for await (const chunk of response.body) {
          size += chunk.byteLength
          if (size > limitBytes) throw tooLarge()
          yield chunk
        }
      },
    },
  }
}
