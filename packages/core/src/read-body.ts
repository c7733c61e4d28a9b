import { BodyTooLargeError } from './errors.js'
import type { HttpExchange } from './http-call.js'

/**
 * Reads a body up to `limitBytes`, refusing early on a larger `Content-Length` and stopping as soon
 * as the limit is passed, so a hostile server cannot make the client buffer more than the limit.
 * Returns the raw bytes; the caller decodes them.
 */
export async function readBody(exchange: HttpExchange, limitBytes: number, uri: () => string): Promise<Uint8Array> {
  const declared = Number(exchange.header('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limitBytes) {
    exchange.discard()
    throw new BodyTooLargeError({ uri: uri(), limitBytes })
  }
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of exchange.body) {
    size += chunk.byteLength
    if (size > limitBytes) {
      exchange.discard()
      throw new BodyTooLargeError({ uri: uri(), limitBytes })
    }
    chunks.push(chunk)
  }
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0]
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
