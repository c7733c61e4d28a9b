import * as t from 'io-ts'

/**
 * io-ts building blocks for the legacy API's loose JSON (and for XML, where every value is text):
 * numbers may come as strings, one-element lists as bare objects, empty sections as `''`.
 */

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** An object; an empty XML element (`''`) counts as an empty object. */
export const LenientRecord = new t.Type<Record<string, unknown>, Record<string, unknown>, unknown>(
  'object',
  isRecord,
  (input, context) => {
    if (isRecord(input)) return t.success(input)
    if (input === '') return t.success({})
    return t.failure(input, context, 'expected an object')
  },
  t.identity,
)

/** A string, or a number or boolean sent where a string was documented. */
export const LenientString = new t.Type<string, string, unknown>(
  'string',
  (input): input is string => typeof input === 'string',
  (input, context) => {
    if (typeof input === 'string') return t.success(input)
    if (typeof input === 'number' && Number.isFinite(input)) return t.success(String(input))
    if (typeof input === 'boolean') return t.success(String(input))
    return t.failure(input, context, 'expected a string')
  },
  t.identity,
)

const NUMERIC = /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/

/** A finite number, or a string holding one (`"40"`, as the service sometimes sends). */
export const LenientNumber = new t.Type<number, number, unknown>(
  'number',
  (input): input is number => typeof input === 'number',
  (input, context) => {
    if (typeof input === 'number' && Number.isFinite(input)) return t.success(input)
    if (typeof input === 'string' && NUMERIC.test(input)) return t.success(Number(input))
    return t.failure(input, context, 'expected a number')
  },
  t.identity,
)

/** A boolean, or `"true"`/`"false"`. */
export const LenientBoolean = new t.Type<boolean, boolean, unknown>(
  'boolean',
  (input): input is boolean => typeof input === 'boolean',
  (input, context) => {
    if (typeof input === 'boolean') return t.success(input)
    if (input === 'true' || input === 'false') return t.success(input === 'true')
    return t.failure(input, context, 'expected a boolean')
  },
  t.identity,
)

/**
 * An event `@id`: a non-negative safe integer, as a number or a digit string. Anything else is a
 * decode error, since the id is the cursor and a wrong one would lose or repeat messages.
 */
export const EventId = new t.Type<number, number, unknown>(
  'event id (non-negative integer)',
  (input): input is number => typeof input === 'number' && Number.isSafeInteger(input) && input >= 0,
  (input, context) => {
    const value = typeof input === 'string' && /^\s*\d+\s*$/.test(input) ? Number(input) : input
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return t.success(value)
    return t.failure(input, context, 'expected a non-negative integer')
  },
  t.identity,
)

/** A list that may come as a bare object when it has one element, or be missing when empty. */
export function oneOrMany<C extends t.Mixed>(item: C): t.Type<Array<t.TypeOf<C>>, Array<t.OutputOf<C>>, unknown> {
  const array = t.array(item)
  return new t.Type<Array<t.TypeOf<C>>, Array<t.OutputOf<C>>, unknown>(
    `oneOrMany(${item.name})`,
    array.is,
    (input, context) => {
      if (input === undefined || input === null || input === '') return t.success([])
      return array.validate(Array.isArray(input) ? input : [input], context)
    },
    array.encode,
  )
}

/** A raw link: `@href`/`@rel`, or `href`/`rel` as some documents spell them. */
export interface RawLink {
  readonly rel: string
  readonly href: string
}

/** Decodes one link in either spelling. */
export const RawLinkCodec = new t.Type<RawLink, RawLink, unknown>(
  'link',
  (input): input is RawLink => isRecord(input) && typeof input['rel'] === 'string' && typeof input['href'] === 'string',
  (input, context) => {
    if (!isRecord(input)) return t.failure(input, context, 'expected a link object')
    const rel = input['@rel'] ?? input['rel']
    const href = input['@href'] ?? input['href']
    if (typeof rel !== 'string') return t.failure(rel, [...context, { key: '@rel', type: t.string, actual: rel }], 'expected a string')
    if (typeof href !== 'string') return t.failure(href, [...context, { key: '@href', type: t.string, actual: href }], 'expected a string')
    return t.success({ rel, href })
  },
  t.identity,
)

/** The links of a section. */
export const RawLinks = oneOrMany(RawLinkCodec)
