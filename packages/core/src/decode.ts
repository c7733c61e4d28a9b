/**
 * Decoding a parsed document with an io-ts codec, and the one helper that builds every
 * `DecodeError` (bad bytes, bad syntax, a wrong shape, a missing header).
 */
import * as t from 'io-ts'
import { isLeft } from 'fp-ts/lib/Either.js'
import { DecodeError } from './errors.js'
import type { ChatFormat } from './options.js'

/** Where a document came from, for error messages. */
export interface DocumentOrigin {
  readonly uri: string
  readonly status: number
  readonly format: ChatFormat
}

/** The {@link DecodeError} for a document from `origin`; `path` is empty for syntax errors. */
export function decodeError(origin: DocumentOrigin, detail: string, options: { readonly path?: string; readonly cause?: unknown } = {}): DecodeError {
  return new DecodeError({ uri: origin.uri, status: origin.status, format: origin.format, path: options.path ?? '', detail, cause: options.cause })
}

/**
 * Runs a codec over a parsed document; a failure becomes a {@link DecodeError} naming the first
 * wrong path (`chat.events.event.2.@id`), what was expected and what arrived. `origin` is only
 * asked for on failure (it redacts a URI, which costs a parse per response otherwise).
 */
export function decodeWith<A>(codec: t.Decoder<unknown, A>, document: unknown, origin: () => DocumentOrigin): A {
  const result = codec.decode(document)
  if (!isLeft(result)) return result.right
  const first = result.left[0]
  const path = first === undefined ? '' : pathOf(first.context)
  const detail = first === undefined ? 'unexpected shape' : describe(first)
  throw decodeError(origin(), detail, { path })
}

function pathOf(context: t.Context): string {
  const keys: string[] = []
  for (let i = 1; i < context.length; i += 1) {
    const parent = context[i - 1]?.type
    // Intersections and unions add their member index to the path; it means nothing to a reader.
    if (parent instanceof t.IntersectionType || parent instanceof t.UnionType) continue
    const key = context[i]?.key
    if (key !== undefined && key !== '') keys.push(key)
  }
  return keys.join('.')
}

function describe(error: t.ValidationError): string {
  const expected = error.message ?? `expected ${error.context[error.context.length - 1]?.type.name ?? 'a value'}`
  return `${expected}, got ${preview(error.value)}`
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value
}
