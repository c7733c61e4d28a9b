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
  /** Serialises a request body given in JSON shape. */
  serialize(document: Readonly<Record<string, unknown>>): string
}

const json: WireFormat = {
  name: 'json',
  mediaType: 'application/json',
  parse: (text) => JSON.parse(text) as unknown,
  serialize: (document) => JSON.stringify(document),
}

const xml: WireFormat = {
  name: 'xml',
  mediaType: 'application/xml',
  parse: parseXml,
  serialize: toXml,
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
