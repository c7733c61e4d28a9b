// The server's wire formats: their names and content types, negotiation, and (de)serialising bodies.
import { apiErrors } from './api-error.js'
import type { QuirkSwitches } from './quirks.js'
import { applyRepresentationQuirks } from './quirks.js'
import { fromXml, toXml } from './xml-mapping.js'

/** The name of one of the API's two wire formats (what `Accept`, a path suffix or a fixture asks for). */
export type WireFormatName = 'json' | 'xml'

/** The media type of each format, as `Accept` and a request's `Content-Type` name it. */
export const mediaTypes: Readonly<Record<WireFormatName, string>> = { json: 'application/json', xml: 'application/xml' }

/** The `Content-Type` the server sends for each format. */
export const contentTypes: Readonly<Record<WireFormatName, string>> = {
  json: `${mediaTypes.json}; charset=utf-8`,
  xml: `${mediaTypes.xml}; charset=utf-8`,
}

/** Parses a document in `format` into its JSON shape (XML by the mapping); throws when it does not parse. */
export function parseDocument(text: string, format: WireFormatName): unknown {
  return format === 'xml' ? fromXml(text) : (JSON.parse(text) as unknown)
}

/**
 * The response format: a `.json`/`.xml` path suffix wins; otherwise XML when `Accept` names an
 * XML type before any JSON type; otherwise JSON.
 */
export function negotiateFormat(accept: string | undefined, suffix: WireFormatName | undefined): WireFormatName {
  if (suffix !== undefined) return suffix
  if (accept === undefined) return 'json'
  for (const part of accept.split(',')) {
    const type = part.split(';')[0]?.trim().toLowerCase() ?? ''
    if (type === 'application/json' || type.endsWith('+json')) return 'json'
    if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return 'xml'
  }
  return 'json'
}

/** Serialises a response document in `format`, after the representation quirks. */
export function serialize(document: Record<string, unknown>, format: WireFormatName, quirks: QuirkSwitches): string {
  const shaped = applyRepresentationQuirks(document, quirks)
  return format === 'json' ? JSON.stringify(shaped) : toXml(shaped, { declaration: quirks.xmlDeclaration })
}

/**
 * Parses a request body by its `Content-Type` (XML for any `xml` type, JSON otherwise). An empty
 * body is `undefined`; a body that does not parse is a 400.
 */
export function parseRequestBody(raw: string, contentType: string | undefined): unknown {
  if (raw.trim() === '') return undefined
  const format = contentType !== undefined && /xml/i.test(contentType) ? 'xml' : 'json'
  try {
    return parseDocument(raw, format)
  } catch (error) {
    throw apiErrors.malformedBody(error instanceof Error ? error.message : 'unparseable')
  }
}
