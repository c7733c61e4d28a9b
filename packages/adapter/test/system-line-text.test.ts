// Shared system texts change nothing a consumer sees: every system line's message is its own text,
// shared or not (that the string is shared shows in the heap benchmark only: strings have no identity in JS).
import { expect, test } from 'vitest'
import { initialConversationModel } from '../src/conversation-model.js'
import { mapBatch } from '../src/map-event.js'
import { info, lineEvent } from './support/legacy-builders.js'

function messageOf(conversationId: string, text: string, textType = 'plain'): string | undefined {
  const { outputs } = mapBatch(initialConversationModel({ conversationId }), [lineEvent(1, text, 'system', { textType, systemMessageId: 4 })], info({ state: 'chatting' }), 0)
  const output = outputs.find((candidate) => candidate.kind === 'message')
  return output?.kind === 'message' && output.change.event.type === 'ContentEvent' ? output.change.event.message : undefined
}

test('each system line keeps its own text: the same text in two chats, past the bound of shared texts, a long one, an HTML one', () => {
  expect(messageOf('c1', 'You are now chatting with Natalie.')).toBe('You are now chatting with Natalie.')
  expect(messageOf('c2', 'You are now chatting with Natalie.')).toBe('You are now chatting with Natalie.')
  const texts = Array.from({ length: 100 }, (_, i) => `An agent will be with you in ${i} minutes.`)
  expect(texts.map((text, i) => messageOf(`c${i}`, text))).toEqual(texts)
  // Past the bound: still each chat's own text, never another shared one.
  expect(messageOf('c3', 'Thank you for waiting.')).toBe('Thank you for waiting.')
  const long = 'x'.repeat(5000)
  expect(messageOf('c4', long)).toBe(long)
  expect(messageOf('c5', 'You are now chatting with <b>Natalie</b>.', 'html')).toBe('You are now chatting with Natalie.')
})
