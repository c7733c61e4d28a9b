/** Decoding a chat resource document given as text, without HTTP. */
import { ChatDocument } from './document-codecs.js'
import { decodeError, decodeWith } from './decode.js'
import type { DocumentOrigin } from './decode.js'
import type { ChatSnapshot } from './model.js'
import type { ChatFormat } from './options.js'
import { redactUri } from './redact.js'
import { toSnapshot } from './resources.js'
import { wireFormat } from './wire-format.js'

/** Where a chat resource document came from. */
export interface DecodeChatResourceOptions {
  /** `'json'` (default) or `'xml'`. */
  readonly format?: ChatFormat
  /** The URI the document was read from; its links resolve against it. */
  readonly uri: string | URL
}

/**
 * Decodes a chat resource document given as text — the same parsing, leniency and codecs as a
 * `snapshot()` over HTTP, without the HTTP. For recorded documents, fixtures and benchmarks.
 * Throws {@link DecodeError} when the text is not a chat resource.
 */
export function decodeChatResource(text: string, options: DecodeChatResourceOptions): ChatSnapshot {
  const format = wireFormat(options.format ?? 'json')
  const uri = new URL(options.uri)
  const origin = (): DocumentOrigin => ({ uri: redactUri(uri), status: 200, format: format.name })
  let document: unknown
  try {
    document = format.parse(text)
  } catch (cause) {
    throw decodeError(origin(), `not well-formed ${format.name.toUpperCase()}`, { cause })
  }
  return toSnapshot(decodeWith(ChatDocument, document, origin), uri)
}
