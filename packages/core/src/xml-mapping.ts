/** The XML mapping of the legacy documents onto their JSON shape. */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'
import { ChatBridgeError } from './errors.js'

/**
 * The XML mapping chatbridge assumes for the legacy API (no public XML example exists; see the
 * reference's §14). Kept in this one module so it can change in one place:
 * - a JSON key starting with `@` is an XML attribute without the `@` (`<event id="1" type="line">`);
 * - other keys are child elements; a JSON array is the element repeated;
 * - the root element is the top-level JSON key (`<chat>`, `<events>`, `<info>`, `<error>`);
 * - every value is text, decoded exactly like its JSON string form — whitespace included: a line
 *   `"  two  "` is `<text>  two  </text>` and reads back with its spaces. Only the whitespace between
 *   elements (indentation, line breaks of a pretty-printed document) is layout, not a value.
 */

/** Thrown for XML that is not well-formed or not allowed; the caller wraps it as a decode error's `cause`. */
export class XmlSyntaxError extends ChatBridgeError {
  /** @param message what is wrong with the XML, with its line and column when known. */
  constructor(message: string) {
    super('E_DECODE', message)
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Keep every value a string: the codecs decide what is a number (and `00042` stays `00042`).
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  textNodeName: '#text',
  // Values are kept exactly; the layout whitespace this also keeps is dropped by `withoutLayout`.
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
})

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  suppressEmptyNode: false,
})

// The legacy service never sends a DTD; refusing it up front rules out entity expansion and
// external entities whatever the parser would do with them.
const DOCTYPE = /<!DOCTYPE/i

/** Parses an XML document into the JSON shape of the same resource. */
export function parseXml(text: string): unknown {
  if (DOCTYPE.test(text)) throw new XmlSyntaxError('a DOCTYPE declaration is not allowed')
  const valid = XMLValidator.validate(text)
  if (valid !== true) {
    throw new XmlSyntaxError(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`)
  }
  try {
    return withoutLayout(parser.parse(text))
  } catch (error) {
    throw new XmlSyntaxError(error instanceof Error ? error.message : String(error))
  }
}

const TEXT = '#text'

/**
 * The parsed document without layout text. In the mapping an element holds either text or child
 * elements, never both, so a whitespace-only `#text` beside child elements is indentation; a
 * whitespace-only text that is an element's whole content (`<text>  </text>`) is a value and stays.
 */
function withoutLayout(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLayout)
  if (typeof value !== 'object' || value === null) return value
  const entries = Object.entries(value)
  const hasChildElements = entries.some(([key]) => key !== TEXT && !key.startsWith('@'))
  const kept = entries.filter(([key, child]) => !(hasChildElements && key === TEXT && typeof child === 'string' && child.trim() === ''))
  return Object.fromEntries(kept.map(([key, child]) => [key, withoutLayout(child)]))
}

/** Serialises a JSON-shaped request body (one top-level key) as XML. */
export function toXml(document: Readonly<Record<string, unknown>>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build(document)}`
}
