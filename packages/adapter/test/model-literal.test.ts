import { describe, expect, test } from 'vitest'
import { initialConversationModel, withEndedByConsumer } from '../src/conversation-model.js'
import { modelLiteral } from '../src/model-literal.js'

describe('modelLiteral', () => {
  test('keeps every field of the model, and nothing else', () => {
    const model = { ...withEndedByConsumer(initialConversationModel({ conversationId: 'c1', consumerId: 'v1', requestedSkill: 'Sales' }), true), agent: { id: 'a', name: 'Ann' }, startTs: 1_700_000_000_000 }
    const literal = modelLiteral(model)
    expect(literal).toStrictEqual(model)
    expect(Object.keys(literal)).toEqual(Object.keys(initialConversationModel({ conversationId: 'c1' })))
  })
})
