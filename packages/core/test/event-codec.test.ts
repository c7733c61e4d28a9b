import { isLeft, isRight } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { ChatEventCodec } from '../src/event-codec.js'

describe('ChatEventCodec', () => {
  it('reads known types leniently: numbers as strings, missing fields defaulted, raw kept', () => {
    const line = ChatEventCodec.decode({ '@id': '3', '@type': 'line', text: 'hi', source: 'agent', systemMessageId: '4', time: 't' })
    expect(isRight(line) && line.right).toMatchObject({ id: 3, type: 'line', text: 'hi', textType: 'plain', source: 'agent', systemMessageId: 4 })
    const state = ChatEventCodec.decode({ '@id': 0, '@type': 'state', state: 'chatting' })
    expect(isRight(state) && state.right).toMatchObject({ id: 0, type: 'state', state: 'chatting', time: '' })
    const url = ChatEventCodec.decode({ '@id': 5, '@type': 'url', text: 'https://x' })
    expect(isRight(url) && url.right).toMatchObject({ type: 'url', url: 'https://x' })
  })

  it('keeps unknown types as unknown events, never a failure', () => {
    const event = ChatEventCodec.decode({ '@id': 7, '@type': 'cobrowse', extra: { a: 1 } })
    expect(isRight(event) && event.right).toMatchObject({ type: 'unknown', legacyType: 'cobrowse', raw: { extra: { a: 1 } } })
  })

  it('fails on a missing id or type, or an unreadable field, naming the field', () => {
    for (const input of [{ '@type': 'line' }, { '@id': '-1', '@type': 'line' }, { '@id': 1 }, { '@id': 1, '@type': 'line', text: { no: 1 } }, 'x']) {
      const result = ChatEventCodec.decode(input)
      expect(isLeft(result)).toBe(true)
    }
    const result = ChatEventCodec.decode({ '@id': 1, '@type': 'line', text: { no: 1 } })
    expect(isLeft(result) && result.left[0]?.context.at(-1)?.key).toBe('text')
  })

  it('encodes back to the event as it arrived', () => {
    const raw = { '@id': 1, '@type': 'line', text: 'x', odd: true }
    const decoded = ChatEventCodec.decode(raw)
    expect(isRight(decoded) && ChatEventCodec.encode(decoded.right)).toBe(raw)
  })
})
