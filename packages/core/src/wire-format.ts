/** The wire formats (JSON, XML) as strategies: media type, parser, serialiser. */
import type { ChatFormat } from './options.js'
import { parseXml, toXml } from './xml-mapping.js'

/**
 * One media type: how to ask for it, how to send a body in it, and how to turn a response into the
 * JSON shape of the resource. Both formats end in the same shape, so one set of codecs decodes both.
 */
export interface WireFormat {
  readonly name: ChatFormat
  readonly mediaType: string
  /** Parses a response body; throws on bad syntax (the caller makes that a decode error). */
  parse(text: string): unknown
  /**
   * Serialises a request body given in JSON shape, with the media type it was written in. XML
   * writes a body with one top-level key as that root element; a body with several top-level
   * fields has no XML form under the mapping and is written as JSON (see `xml` below).
   */
  serialize(document: Readonly<Record<string, unknown>>): { readonly mediaType: string; readonly text: string }
}

const json: WireFormat = {
  name: 'json',
  mediaType: 'application/json',
  parse: (text) => JSON.parse(text) as unknown,
  serialize: (document) => ({ mediaType: 'application/json', text: JSON.stringify(document) }),
}

const xml: WireFormat = {
  name: 'xml',
  mediaType: 'application/xml',
  parse: parseXml,
  // A body with several top-level fields (the transcript's `email` + `timezoneOffset`, §10) is sent
  // as JSON, on purpose. The §14 mapping makes the single top-level key the root element; such a
  // body has no top-level key to be the root, and no source names one (no XML example of this API
  // exists; `<transcriptRequest>` would be a guess a real server may refuse, or read as a field).
  // An XML document has exactly one root, so the fields cannot go side by side either. Every method
  // page lists JSON request bodies (`Content-Type: application/json`) whatever the response format,
  // so JSON is the one form of this body known to be accepted. The response is still asked for in
  // XML (`Accept` is unchanged).
  serialize: (document) =>
    Object.keys(document).length === 1 ? { mediaType: 'application/xml', text: toXml(document) } : json.serialize(document),
}

/** The format for a name. */
export function wireFormat(name: ChatFormat): WireFormat {
  return name === 'xml' ? xml : json
}

/**
 * The format a response is actually in: its `Content-Type` when that names JSON or XML (a server
 * may answer errors in JSON whatever was asked), else the one that was asked for.
 */
export function responseFormat(contentType: string | null, requested: WireFormat): WireFormat {
  if (contentType === null) return requested
  const type = contentType.toLowerCase()
  if (type.includes('json')) return json
  if (type.includes('xml')) return xml
  return requested
}
