import * as t from 'io-ts'
import { isLeft } from 'fp-ts/lib/Either.js'
import type { ChatEvent } from './model.js'
import { EventId, LenientNumber, LenientString, isRecord } from './lenient-codecs.js'

type Fields = Record<string, unknown>

/**
 * Reads optional fields of one event with lenient codecs; the first wrong one fails the event with
 * its path. Absent fields are `undefined`.
 */
class FieldReader {
  failure: t.Errors | undefined

  constructor(
    private readonly input: Fields,
    private readonly context: t.Context,
  ) {}

  read<A>(key: string, codec: t.Type<A, A, unknown>): A | undefined {
    const value = this.input[key]
    if (value === undefined || value === null || this.failure !== undefined) return undefined
    const result = codec.validate(value, [...this.context, { key, type: codec, actual: value }])
    if (isLeft(result)) {
      this.failure = result.left
      return undefined
    }
    return result.right
  }

  /** An object field, e.g. `chatRequestParameters`. */
  object(key: string): Readonly<Record<string, unknown>> | undefined {
    const value = this.input[key]
    return isRecord(value) ? value : undefined
  }
}

function build(input: Fields, id: number, type: string, fields: FieldReader): ChatEvent {
  const time = fields.read('time', LenientString) ?? ''
  const base = { id, time, raw: input }
  switch (type) {
    case 'state':
      return { ...base, type: 'state', state: fields.read('state', LenientString) ?? '' }
    case 'line':
      return {
        ...base,
        type: 'line',
        text: fields.read('text', LenientString) ?? '',
        textType: fields.read('textType', LenientString) ?? 'plain',
        source: fields.read('source', LenientString) ?? '',
        by: fields.read('by', LenientString),
        systemMessageId: fields.read('systemMessageId', LenientNumber),
        subType: fields.read('subType', LenientString),
      }
    case 'url':
      return { ...base, type: 'url', url: fields.read('url', LenientString) ?? fields.read('text', LenientString) ?? '' }
    case 'a2a-transfer': {
      const parameters = fields.object('chatRequestParameters')
      return {
        ...base,
        type: 'a2a-transfer',
        domain: fields.read('domain', LenientString),
        remoteSiteId: fields.read('remoteSiteId', LenientString),
        skill: fields.read('skill', LenientString) ?? (parameters === undefined ? undefined : stringOrUndefined(parameters['skill'])),
        chatRequestParameters: parameters,
      }
    }
    case 'line-status':
      return {
        ...base,
        type: 'line-status',
        lineStatus: fields.read('lineStatus', LenientString) ?? '',
        refSequenceId: fields.read('refSequenceId', LenientNumber),
        source: fields.read('source', LenientString),
      }
    default:
      return { ...base, type: 'unknown', legacyType: type }
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
}

/**
 * One legacy event. `@id` and `@type` must be there (the id is the cursor); every other field is
 * read leniently, and unknown types and fields are kept, never a failure.
 */
export const ChatEventCodec = new t.Type<ChatEvent, unknown, unknown>(
  'event',
  (input): input is ChatEvent => isRecord(input) && typeof input['type'] === 'string' && typeof input['id'] === 'number',
  (input, context) => {
    if (!isRecord(input)) return t.failure(input, context, 'expected an event object')
    const rawId = input['@id'] ?? input['id']
    const id = EventId.validate(rawId, [...context, { key: '@id', type: EventId, actual: rawId }])
    if (isLeft(id)) return id
    const rawType = input['@type'] ?? input['type']
    if (typeof rawType !== 'string' || rawType === '') {
      return t.failure(rawType, [...context, { key: '@type', type: t.string, actual: rawType }], 'expected the event type')
    }
    const fields = new FieldReader(input, context)
    const event = build(input, id.right, rawType, fields)
    return fields.failure === undefined ? t.success(event) : t.failures(fields.failure)
  },
  (event) => event.raw,
)
