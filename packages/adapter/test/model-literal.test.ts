import { describe, expect, test } from 'vitest'
import { enterState, initialConversationModel, withEndedByConsumer } from '../src/conversation-model.js'
import { lastUpsert, upsertIsCurrent, withUpsert } from '../src/conversation-upsert.js'
import { modelLiteral } from '../src/model-literal.js'

describe('modelLiteral', () => {
  test('keeps every field of the model, and nothing else', () => {
    const model = { ...withEndedByConsumer(initialConversationModel({ conversationId: 'c1', consumerId: 'v1', requestedSkill: 'Sales' }), true), agent: { id: 'a', name: 'Ann' }, startTs: 1_700_000_000_000 }
    const literal = modelLiteral(model)
    expect(literal).toStrictEqual(model)
    expect(Object.keys(literal)).toEqual(Object.keys(initialConversationModel({ conversationId: 'c1' })))
  })
})

describe('modelLiteral and the last UPSERT', () => {
  const upserted = withUpsert(enterState({ ...initialConversationModel({ conversationId: 'c1', consumerId: 'v1' }), startTs: 1_700_000_000_000 }, 'chatting', { id: 'a', name: 'Ann' }, 1_700_000_000_500), 1_700_000_000_500)

  test('a model whose described fields are unchanged is its own last UPSERT, which reads as before', () => {
    const kept = modelLiteral({ ...upserted, agentTyping: 'typing' })
    expect(kept.upserted).toBe(kept)
    expect(lastUpsert(kept)).toEqual(lastUpsert(upserted))
    expect(upsertIsCurrent(kept, 1_700_000_001_000)).toBe(true)
  })

  test('a transition from a kept model still compares with what was upserted', () => {
    const kept = modelLiteral(upserted)
    const moved = modelLiteral({ ...kept, skillId: 'Sales' })
    expect(moved.upserted).toBe(kept)
    expect(upsertIsCurrent(moved, 1_700_000_001_000)).toBe(false)
    expect(lastUpsert(moved)).toEqual(lastUpsert(upserted))
  })
})
