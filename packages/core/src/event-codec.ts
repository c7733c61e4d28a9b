/** The io-ts codec of one legacy chat event, lenient in every field but `@id` and `@type`. */
import * as t from 'io-ts'
import { ChatBridgeError } from './errors.js'
import type { ChatEvent } from './model.js'
import { EventId, LenientNumber, LenientString, eventIdOf, isRecord, lenientNumber, lenientString } from './lenient-codecs.js'

type Fields = Record<string, unknown>

/** A field that is present but unreadable; caught once per event to build the io-ts failure. */
class FieldFailure extends ChatBridgeError {
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly codec: t.Decoder<unknown, unknown> & { readonly name: string },
    message: string,
  ) {
    super('E_DECODE', message)
  }
}

// The readers below run for every field of every event, so they avoid io-ts's per-call context
// allocation on the happy path and build a proper failure only when a field is wrong.

function text(input: Fields, key: string): string | undefined {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  const read = lenientString(value)
  if (read === undefined) throw new FieldFailure(key, value, LenientString, 'expected a string')
  return read
}

function number(input: Fields, key: string): number | undefined {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  const read = lenientNumber(value)
  if (read === undefined) throw new FieldFailure(key, value, LenientNumber, 'expected a number')
  return read
}

function eventId(input: Fields): number {
  const value = input['@id'] ?? input['id']
  const id = eventIdOf(value)
  if (id === undefined) throw new FieldFailure('@id', value, EventId, 'expected a non-negative integer')
  return id
}

function build(input: Fields): ChatEvent {
  const id = eventId(input)
  const type = input['@type'] ?? input['type']
  if (typeof type !== 'string' || type === '') throw new FieldFailure('@type', type, t.string, 'expected the event type')
  const time = text(input, 'time') ?? ''
  switch (type) {
    case 'state':
      return { id, time, raw: input, type: 'state', state: text(input, 'state') ?? '' }
    case 'line':
      return {
        id,
        time,
        raw: input,
        type: 'line',
        text: text(input, 'text') ?? '',
        textType: text(input, 'textType') ?? 'plain',
        source: text(input, 'source') ?? '',
        by: text(input, 'by'),
        systemMessageId: number(input, 'systemMessageId'),
        subType: text(input, 'subType'),
      }
    case 'url':
      return { id, time, raw: input, type: 'url', url: text(input, 'url') ?? text(input, 'text') ?? '' }
    case 'a2a-transfer': {
      const parameters = isRecord(input['chatRequestParameters']) ? input['chatRequestParameters'] : undefined
      return {
        id,
        time,
        raw: input,
        type: 'a2a-transfer',
        domain: text(input, 'domain'),
        remoteSiteId: text(input, 'remoteSiteId'),
        skill: text(input, 'skill') ?? (parameters === undefined ? undefined : text(parameters, 'skill')),
        chatRequestParameters: parameters,
      }
    }
    case 'line-status':
      return {
        id,
        time,
        raw: input,
        type: 'line-status',
        lineStatus: text(input, 'lineStatus') ?? '',
        refSequenceId: number(input, 'refSequenceId'),
        source: text(input, 'source'),
      }
    default:
      return { id, time, raw: input, type: 'unknown', legacyType: type }
  }
}

/** One event as {@link ChatEventCodec} decodes it, or `undefined` where it would fail (it then says why). */
export function readEvent(input: unknown): ChatEvent | undefined {
  if (!isRecord(input)) return undefined
  try {
    return build(input)
  } catch (error) {
    if (error instanceof FieldFailure) return undefined
    throw error
  }
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
    try {
      return t.success(build(input))
    } catch (error) {
      if (!(error instanceof FieldFailure)) throw error
      return t.failure(error.value, [...context, { key: error.key, type: error.codec, actual: error.value }], error.message)
    }
  },
  (event) => event.raw,
)
