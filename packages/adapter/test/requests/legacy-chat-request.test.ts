import { describe, expect, test } from 'vitest'
import { conversationFieldUpdate, legacyChatRequest } from '../../src/requests/legacy-chat-request.js'

describe('Messaging requests in legacy terms', () => {
  test('a conversation request becomes the chat/request body, skill through the skill map, -1 as any skill', () => {
    const config = { skillMap: { '17': 'Sales' }, interactionTimeoutS: 60 }
    expect(
      legacyChatRequest(
        { skillId: '17', campaignInfo: { campaignId: 5, engagementId: '6' }, conversationContext: { visitorId: 'v', sessionId: 's', lang: 'en-US' } },
        config,
      ),
    ).toEqual({
      skill: 'Sales',
      startChat: { skill: 'Sales', interactionTimeout: 60, campaignId: 5, engagementId: '6', LETagVisitorId: 'v', LETagSessionId: 's', language: 'en-US' },
    })
    expect(legacyChatRequest({ skillId: 'Support' }, { skillMap: {}, interactionTimeoutS: undefined })).toEqual({ skill: 'Support', startChat: { skill: 'Support' } })
    expect(
      legacyChatRequest(
        { survey: { surveyId: 1, answers: [{ id: 2, answer: 'x' }] }, authenticatedVisitor: { participantId: 'p', conversationId: 'c' }, conversationContext: { interactionContextId: 3 } },
        { skillMap: {}, interactionTimeoutS: undefined },
      ).startChat,
    ).toEqual({ survey: { surveyId: 1, answers: [{ id: 2, answer: 'x' }] }, participantId: 'p', conversationId: 'c', LETagContextId: '3' })
    expect(legacyChatRequest({ skillId: '-1' }, config)).toEqual({ skill: undefined, startChat: { interactionTimeout: 60 } })
  })

  test('closing the conversation or its main dialog, and a CSAT rating, have legacy equivalents', () => {
    expect(conversationFieldUpdate({ field: 'ConversationStateField', conversationState: 'CLOSE' })).toEqual({ action: 'apply', rating: undefined, close: true })
    expect(conversationFieldUpdate([{ field: 'CSATRate', csatRate: 5 }, { field: 'DialogChange', type: 'UPDATE', dialog: { state: 'CLOSE' } }])).toMatchObject({ action: 'apply', rating: { rate: 5 }, close: true })
    expect(conversationFieldUpdate({ field: 'ConversationStateField', conversationState: 'OPEN' })).toEqual({ action: 'unsupported', fields: ['ConversationStateField'] })
    expect(conversationFieldUpdate([{ field: 'ParticipantsChange' }, { field: 'DialogChange', dialog: null }])).toEqual({ action: 'unsupported', fields: ['ParticipantsChange', 'DialogChange'] })
  })
})
