/**
 * The codec of a lenient document section, with a fast path: the common shape is read by plain
 * code, with io-ts's own result, and anything the fast path is not sure of goes to io-ts, which
 * then gives the same result or the same error it always did.
 */
import * as t from 'io-ts'
import { isLeft } from 'fp-ts/lib/Either.js'
import { LenientNumber, LenientRecord, LenientString, ListType, RawLinks, isRecord, lenientNumber, lenientString } from './lenient-codecs.js'
import type { RawLink } from './lenient-codecs.js'

// Returned by a field reader when io-ts might fail (or do something this code does not mirror).
const UNSURE = Symbol('unsure')
// Returned by a field reader when io-ts leaves the key as it is.
const KEEP = Symbol('keep')

/**
 * An object section whose listed fields are decoded and whose other fields are kept as they are.
 * `read` gives what `validate` succeeds with, without a context per field (the cost of io-ts on a
 * poll: a chat's info section alone has twenty fields), or `undefined` when unsure.
 */
export class SectionType<A extends Record<string, unknown>> extends t.Type<A, unknown, unknown> {
  readonly #fields: ReadonlyArray<readonly [string, t.Mixed]>

  constructor(name: string, props: t.Props) {
    const fields = t.partial(props)
    super(
      name,
      (input): input is A => LenientRecord.is(input),
      (input, context) => {
        const record = LenientRecord.validate(input, context)
        if (isLeft(record)) return record
        const decoded = fields.validate(record.right, context)
        if (isLeft(decoded)) return decoded
        return t.success({ ...record.right, ...decoded.right } as A)
      },
      t.identity,
    )
    this.#fields = Object.entries(props)
  }

  /** What `validate` would succeed with, or `undefined` when it might fail. */
  read(input: unknown): A | undefined {
    const record = isRecord(input) ? input : input === '' ? {} : undefined
    // io-ts copies with `Object.assign`, which turns an own `__proto__` key into a prototype: left to it.
    if (record === undefined || Object.hasOwn(record, '__proto__')) return undefined
    const out: Record<string, unknown> = { ...record }
    for (const [key, codec] of this.#fields) {
      const value = readField(codec, record[key])
      if (value === UNSURE) return undefined
      if (value !== KEEP) out[key] = value
    }
    return out as A
  }
}

/** `t.type({ [key]: section })` with the section's fast path in front. */
export function documentOf<K extends string, A extends Record<string, unknown>>(key: K, section: SectionType<A>, name: string): t.Type<Record<K, A>, unknown, unknown> {
  const slow = t.type({ [key]: section } as Record<K, SectionType<A>>, name) as unknown as t.Type<Record<K, A>, unknown, unknown>
  return new t.Type<Record<K, A>, unknown, unknown>(
    name,
    slow.is,
    (input, context) => {
      if (isRecord(input) && !Object.hasOwn(input, '__proto__')) {
        const read = section.read(input[key])
        if (read !== undefined) return t.success({ ...input, [key]: read } as Record<K, A>)
      }
      return slow.validate(input, context)
    },
    slow.encode,
  )
}

// One field as `t.partial` treats it: a failure on a missing field leaves the key alone, a changed
// value replaces it. The codecs of the common fields are mirrored; any other runs as it is.
function readField(codec: t.Mixed, value: unknown): unknown {
  if (codec === LenientString) return value === undefined ? KEEP : typeof value === 'string' ? KEEP : (lenientString(value) ?? UNSURE)
  if (codec === LenientNumber) return value === undefined ? KEEP : typeof value === 'number' && Number.isFinite(value) ? KEEP : (lenientNumber(value) ?? UNSURE)
  if (codec === RawLinks) return readLinks(value)
  if (codec instanceof SectionType) return value === undefined ? KEEP : ((codec as SectionType<Record<string, unknown>>).read(value) ?? UNSURE)
  if (codec instanceof ListType) {
    const list = (codec as ListType<t.Mixed>).read(value)
    if (list !== undefined) return list === value ? KEEP : list
  }
  const result = codec.decode(value)
  if (isLeft(result)) return value === undefined ? KEEP : UNSURE
  return result.right === value ? KEEP : result.right
}

// `oneOrMany(RawLinkCodec)`: nothing is no links, one bare link is a list of one.
function readLinks(value: unknown): readonly RawLink[] | typeof UNSURE {
  if (value === undefined || value === null || value === '') return []
  const list = Array.isArray(value) ? (value as unknown[]) : [value]
  const links: RawLink[] = []
  for (const link of list) {
    if (!isRecord(link)) return UNSURE
    const rel = link['@rel'] ?? link['rel']
    const href = link['@href'] ?? link['href']
    if (typeof rel !== 'string' || typeof href !== 'string') return UNSURE
    links.push({ rel, href })
  }
  return links
}
