/** Reading a response body into one byte array under a byte limit, the one read every body gets. */

/** A body read in one go (undici's `bytes()`); only used when the body's length is known to be within the limit. */
export interface WholeBody {
  bytes(): Promise<Uint8Array>
}

/**
 * The body of a response that declared `declaredLength` (`NaN`: none), at most `limitBytes` of it.
 * A declared length within the limit bounds the body already (the parser stops there), so it is
 * read in one go; otherwise chunk by chunk, stopping (and dropping the rest) past the limit.
 */
export function readDeclared(body: WholeBody & AsyncIterable<Uint8Array>, declaredLength: number, limitBytes: number): Promise<Uint8Array | undefined> {
  return declaredLength <= limitBytes ? body.bytes() : readChunks(body, limitBytes)
}

/** Reads `body` chunk by chunk; `undefined` once more than `limitBytes` arrived (leaving the loop drops the rest). */
export async function readChunks(body: AsyncIterable<Uint8Array>, limitBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.byteLength
    if (size > limitBytes) return undefined
    chunks.push(chunk)
  }
  return concat(chunks, size)
}

/** The chunks as one array (the chunk itself when there is one). */
export function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0]
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
