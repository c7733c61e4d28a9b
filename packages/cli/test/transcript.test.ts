import type { ChatEvent } from '@chatbridge/core'
import { expect, test } from 'vitest'
import { describeEvent } from '../src/transcript.js'

const base = { time: '2026-01-01T10:00:00.000-05:00', raw: {} }

test('each kind of legacy event is described in a few words, long text cut', () => {
  const events: ChatEvent[] = [
    { ...base, id: 0, type: 'state', state: 'waiting' },
    { ...base, id: 3, type: 'line', text: 'You are now chatting with Natalie.', textType: 'plain', source: 'system', by: 'info', systemMessageId: 3, subType: undefined },
    { ...base, id: 4, type: 'line', text: `<p>${'x'.repeat(80)}</p>`, textType: 'html', source: 'agent', by: 'Natalie', systemMessageId: undefined, subType: 'REGULAR' },
    { ...base, id: 5, type: 'url', url: 'https://example.com/help' },
    { ...base, id: 6, type: 'line-status', lineStatus: 'ACCEPT', refSequenceId: 4, source: 'visitor' },
    { ...base, id: 7, type: 'a2a-transfer', domain: 'base.liveperson.net', remoteSiteId: '70648893', skill: 'test', chatRequestParameters: undefined },
    { ...base, id: 8, type: 'unknown', legacyType: 'collaboration' },
  ]
  expect(events.map(describeEvent)).toEqual([
    '#0 state waiting',
    '#3 line system systemMessageId 3 "You are now chatting with Natalie."',
    `#4 line agent html "<p>${'x'.repeat(44)}…"`,
    '#5 url https://example.com/help',
    '#6 line-status ACCEPT ref 4',
    '#7 a2a-transfer to base.liveperson.net site 70648893',
    '#8 collaboration',
  ])
})
