/** Reads a response body into one byte array; the body-limit layer below has already bounded it. */
import type { HttpResponse } from './handler.js'

/** The whole body as raw bytes; the caller decodes them. */
export async function readBody(response: HttpResponse): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += chunk.byteLength
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
