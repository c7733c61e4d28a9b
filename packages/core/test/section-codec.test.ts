import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { ChatDocument, ChatSection, EventsSection } from '../src/document-codecs.js'
import { decodeWith } from '../src/decode.js'
import { wireFormat } from '../src/wire-format.js'
import { fixture } from './support.js'

// The fast path must give io-ts's own result, key order included, or leave the document to io-ts.
const slow = t.type({ chat: ChatSection }, 'ChatDocument')
const origin = () => ({ uri: 'https://x/chat/H1', status: 200, format: 'json' as const })
const link = (rel: string) => ({ '@href': `https://x/chat/H1/${rel}`, '@rel': rel })
const idle = {
  chat: {
    link: [link('self'), { '@href': 'https://x/chat/H1?from=4', '@rel': 'next' }],
    events: { link: [link('events'), { href: 'https://x/chat/H1/events?from=4', rel: 'next' }] },
    info: { link: [link('info')], state: 'chatting', agentName: 'Bench', agentId: 7, duration: 0, chatTimeout: '60', visitorId: 8341512525978605, extra: { kept: true } },
  },
}
const variants: Array<[string, unknown]> = [
  ['the idle poll', idle],
  ['the seed chat', JSON.parse(fixture('seed-chat.json'))],
  ['the seed chat as XML', wireFormat('xml').parse(fixture('seed-chat.xml'))],
  ['no sections', { chat: {} }],
  ['an empty XML chat', { chat: '' }],
  ['empty sections', { chat: { events: '', info: '', link: '' } }],
  ['one bare link', { chat: { link: link('self') } }],
  ['null links', { chat: { link: null, info: { link: null } } }],
  ['one bare event', { chat: { events: { event: { '@id': '4', '@type': 'line', text: 'hi' } } } }],
  ['booleans and numbers as strings', { chat: { info: { agentTyping: true, duration: ' 12 ', chatTimeout: '1e2' } } }],
  ['a null state', { chat: { info: { state: null } } }],
  ['a NaN duration', { chat: { info: { duration: Number.NaN } } }],
  ['a word for a number', { chat: { info: { chatTimeout: 'soon' } } }],
  ['a link without href', { chat: { link: [{ '@rel': 'self' }] } }],
  ['a link that is text', { chat: { link: ['https://x'] } }],
  ['a bad event id', { chat: { events: { event: [{ '@id': '-1', '@type': 'line' }] } } }],
  ['events as null', { chat: { events: null } }],
  ['no events', { chat: { events: { event: [] } } }],
  ['events of every type', { chat: { events: { event: [
    { '@id': 1, '@type': 'state', state: 'chatting', time: '2017-02-27T06:24:15.424-05:00' },
    { '@id': '2', '@type': 'line', text: 7, source: 'agent', by: 'Bench', systemMessageId: '4', subType: 'REGULAR' },
    { '@id': 3, '@type': 'url', url: 'https://x/' },
    { '@id': 4, '@type': 'a2a-transfer', chatRequestParameters: { skill: 'Sales' } },
    { '@id': 5, '@type': 'line-status', lineStatus: 'read', refSequenceId: '2' },
    { '@id': 6, '@type': 'coBrowse', extra: { kept: true } },
  ] } } }],
  ['an event with an unreadable field after good ones', { chat: { events: { event: [{ '@id': 1, '@type': 'line', text: 'hi' }, { '@id': 2, '@type': 'line', text: { no: 1 } }] } } }],
  ['an event without a type', { chat: { events: { event: [{ '@id': 1, '@type': 'line' }, { '@id': 2 }] } } }],
  ['an event that is text', { chat: { events: { event: [{ '@id': 1, '@type': 'line' }, 'line'] } } }],
  ['no chat', { other: 1 }],
  ['an array', [idle]],
  ['a __proto__ key', JSON.parse('{"chat":{"__proto__":{"polluted":"yes"},"info":{"state":"waiting"}}}')],
  ['a __proto__ key in a section', JSON.parse('{"chat":{"info":{"__proto__":{"x":1},"state":"waiting"}}}')],
  ['a __proto__ key at the top', JSON.parse('{"__proto__":{"x":1},"chat":{}}')],
]

function outcome(codec: t.Decoder<unknown, unknown>, document: unknown): unknown {
  try {
    const value = decodeWith(codec, document, origin)
    return { value, json: JSON.stringify(value), keys: JSON.stringify(value, (_, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : v)) }
  } catch (error) {
    return { error: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error) }
  }
}

describe('the chat document fast path', () => {
  it.each(variants)('%s: the same result or error as io-ts', (_, document) => {
    expect(outcome(ChatDocument, document)).toStrictEqual(outcome(slow, document))
  })

  it('is taken for the idle poll, the seed chat and its XML form', () => {
    for (const [, document] of variants.slice(0, 3)) expect(ChatSection.read((document as { chat: unknown }).chat)).toBeDefined()
  })

  it('leaves to io-ts what it does not mirror', () => {
    expect(ChatSection.read({ info: { state: null } })).toBeUndefined()
    expect(ChatSection.read(JSON.parse('{"__proto__":{},"info":{}}'))).toBeUndefined()
  })

  it('reads the events without io-ts, and leaves a page with a bad event to it', () => {
    const events = (event: unknown) => EventsSection.read({ event })
    expect(events([{ '@id': '4', '@type': 'line', text: 'hi' }])?.event).toMatchObject([{ id: 4, type: 'line', text: 'hi' }])
    expect(events({ '@id': 4, '@type': 'state', state: 'ended' })?.event).toMatchObject([{ id: 4, state: 'ended' }])
    expect(events([{ '@id': 4, '@type': 'line' }, { '@id': 5, '@type': 'line', text: [] }])).toBeUndefined()
    expect(events([{ '@id': 4, '@type': 'line' }, null])).toBeUndefined()
  })
})
