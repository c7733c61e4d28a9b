// The testing server's own XML mapping (reference §14), in one place so it can change: a JSON key
// starting with `@` is an attribute without the `@`, other keys are child elements, an array repeats
// its element, and the document's single top-level key is the root element. Core has its own on
// purpose (one shared mapping would let one bug hide on both sides); core's xml-agreement test
// proves the two agree on every recorded document.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'

const shared = { ignoreAttributes: false, attributeNamePrefix: '@' } as const

const builder = new XMLBuilder({ ...shared, suppressEmptyNode: true })

// Values stay strings (`parseTagValue: false`): the JSON and XML forms of a document must decode alike.
// Values are not trimmed either (a line `"  two  "` keeps its spaces); `dropIndentation` removes the
// whitespace that only lays out a pretty-printed document.
const parser = new XMLParser({
  ...shared,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
})

const declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'

/** Serialises a JSON-shaped document (one top-level key) as XML, with an XML declaration unless `declaration` is false. */
export function toXml(document: Readonly<Record<string, unknown>>, options: { readonly declaration?: boolean } = {}): string {
  const body: string = builder.build(document)
  return options.declaration === false ? body : declaration + body
}

/**
 * Parses an XML document into the JSON shape of the mapping (attributes as `@name`, every value a
 * string). Throws a `SyntaxError` when the text is not well-formed XML.
 */
export function fromXml(text: string): Record<string, unknown> {
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw new SyntaxError(`Malformed XML: ${valid.err.msg}`)
  return dropIndentation(parser.parse(text)) as Record<string, unknown>
}

/**
 * The parsed value without indentation: an element of the mapping holds text or child elements,
 * never both, so whitespace-only text beside child elements is layout. Text that is an element's
 * whole content, whitespace or not, is a value and stays as written.
 */
function dropIndentation(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropIndentation)
  if (typeof node !== 'object' || node === null) return node
  const result: Record<string, unknown> = {}
  const keys = Object.keys(node)
  const elements = keys.filter((key) => key !== '#text' && !key.startsWith('@'))
  for (const key of keys) {
    const child: unknown = (node as Record<string, unknown>)[key]
    if (key === '#text' && elements.length > 0 && typeof child === 'string' && /^\s*$/.test(child)) continue
    Object.defineProperty(result, key, { value: dropIndentation(child), enumerable: true, writable: true, configurable: true })
  }
  return result
}
