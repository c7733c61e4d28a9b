/** Lenient io-ts codecs and readers for the legacy server's loosely typed values (numbers as strings, single items for lists). */
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

/** The string form of a value documented as a string, or `undefined` when it has none. */
export function lenientString(input: unknown): string | undefined {
  if (typeof input === 'string') return input
  if ((typeof input === 'number' && Number.isFinite(input)) || typeof input === 'boolean') return String(input)
  return undefined
}

const NUMERIC = /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/

/** The number a value documented as a number stands for (`40` or `"40"`), or `undefined`. */
export function lenientNumber(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined
  if (typeof input === 'string' && NUMERIC.test(input)) return Number(input)
  return undefined
}

/** The event id a value stands for: a non-negative safe integer (`4` or `"4"`), or `undefined`. */
export function eventIdOf(input: unknown): number | undefined {
  const value = typeof input === 'string' ? digitsValue(input) ?? (/^\s*\d+\s*$/.test(input) ? Number(input) : input) : input
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined
}

// Every event of every page has a string id (`"4"`): read as digits, without the regular expression
// (a quarter of the codecs' own time in the decode bench's profile), when it is nothing but a few digits; anything else takes the pattern.
function digitsValue(text: string): number | undefined {
  if (text.length === 0 || text.length > 15) return undefined
  let value = 0
  for (let i = 0; i < text.length; i += 1) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return undefined
    value = value * 10 + digit
  }
  return value
}

function lenient<A>(name: string, is: (input: unknown) => input is A, read: (input: unknown) => A | undefined, expected: string): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(
    name,
    is,
    (input, context) => {
      const value = read(input)
      return value === undefined ? t.failure(input, context, expected) : t.success(value)
    },
    t.identity,
  )
}

/** A string, or a number or boolean sent where a string was documented. */
export const LenientString = lenient('string', (input): input is string => typeof input === 'string', lenientString, 'expected a string')

/** A finite number, or a string holding one (`"40"`, as the service sometimes sends). */
export const LenientNumber = lenient('number', (input): input is number => typeof input === 'number', lenientNumber, 'expected a number')

/** A boolean, or `"true"`/`"false"`. */
export const LenientBoolean = lenient(
  'boolean',
  (input): input is boolean => typeof input === 'boolean',
  (input) => (typeof input === 'boolean' ? input : input === 'true' || input === 'false' ? input === 'true' : undefined),
  'expected a boolean',
)

/**
 * An event `@id`: a non-negative safe integer, as a number or a digit string. Anything else is a
 * decode error, since the id is the cursor and a wrong one would lose or repeat messages.
 */
export const EventId = lenient(
  'event id (non-negative integer)',
  (input): input is number => eventIdOf(input) === input,
  eventIdOf,
  'expected a non-negative integer',
)

/**
 * `oneOrMany`'s codec. With an item reader, `read` gives what `validate` succeeds with, without
 * io-ts's context per item (an events page has a thousand), or `undefined` when it might fail.
 */
export class ListType<C extends t.Mixed> extends t.Type<Array<t.TypeOf<C>>, Array<t.OutputOf<C>>, unknown> {
  readonly #readItem: ((input: unknown) => t.TypeOf<C> | undefined) | undefined

  constructor(item: C, readItem?: (input: unknown) => t.TypeOf<C> | undefined) {
    const array = t.array(item)
    super(
      `oneOrMany(${item.name})`,
      array.is,
      (input, context) => {
        if (input === undefined || input === null || input === '') return t.success([])
        return array.validate(Array.isArray(input) ? input : [input], context)
      },
      array.encode,
    )
    this.#readItem = readItem
  }

  /** What `validate` would succeed with (an empty list as it came), or `undefined` when unsure or without an item reader. */
  read(input: unknown): Array<t.TypeOf<C>> | undefined {
    const readItem = this.#readItem
    if (readItem === undefined) return undefined
    if (input === undefined || input === null || input === '') return []
    const list = Array.isArray(input) ? (input as unknown[]) : [input]
    if (list.length === 0) return list
    const items: Array<t.TypeOf<C>> = []
    for (const entry of list) {
      const item = readItem(entry)
      if (item === undefined) return undefined
      items.push(item)
    }
    return items
  }
}

/** A list that may come as a bare object when it has one element, or be missing when empty; `readItem` as for {@link ListType}. */
export function oneOrMany<C extends t.Mixed>(item: C, readItem?: (input: unknown) => t.TypeOf<C> | undefined): ListType<C> {
  return new ListType(item, readItem)
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
