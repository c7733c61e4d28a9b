import { describe, expect, test } from 'vitest'
import { endsChat, isChatOver } from '../src/chat-over.js'
import type { LegacyEvent } from '../src/legacy-contract.js'
import { info, lineEvent, stateEvent } from './support/legacy-builders.js'

const transfer = { type: 'a2a-transfer', id: 3, time: '', domain: 'd', remoteSiteId: 'r', skill: 's', chatRequestParameters: {} } as unknown as LegacyEvent

describe('is the chat over?', () => {
  test.each([
    ['an ended state', stateEvent(1, 'ended'), true],
    ['a transfer to another account', transfer, true],
    ['a chatting state', stateEvent(1, 'chatting'), false],
    ['a line', lineEvent(2, 'bye'), false],
  ] as const)('endsChat: %s → %s', (_, event, expected) => {
    expect(endsChat(event)).toBe(expected)
  })

  test.each([
    ['no events, info chatting', [], info({ state: 'chatting' }), false],
    ['no events, no info', [], undefined, false],
    ['info ended without an ended event (server timeout)', [lineEvent(1, 'x')], info({ state: 'ended' }), true],
    ['an ended event, info still chatting', [lineEvent(1, 'x'), stateEvent(2, 'ended')], info({ state: 'chatting' }), true],
    ['a transfer, no info', [transfer], undefined, true],
  ] as const)('isChatOver: %s → %s', (_, events, pageInfo, expected) => {
    expect(isChatOver({ events, info: pageInfo })).toBe(expected)
  })
})
