import { type AuthenticatedVisitor, LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Connection } from '../src/connection.js'
import { createMessagingSocket } from '../src/messaging-socket.js'
import { fastConfig } from './support/fast-config.js'
import { MessagingClient } from './support/messaging-client.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

// The testing server's default pre-chat survey (40216: a mandatory name, optional topics) and an
// authentication it issued: it refuses answers and ids it does not know, as a real server would.
const survey = { surveyId: 40216, answers: [{ id: 40217, answer: 'Ann' }, { id: 40218, answer: ['yes', 'no'] }] }
async function authenticated(format: 'json' | 'xml'): Promise<AuthenticatedVisitor> {
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format })
  try {
    return await client.authenticateVisitor({ authChatConnId: 568046210, ssoKey: 'test-sso-key' })
  } finally {
    await client.close()
  }
}

describe.each(['json', 'xml'] as const)('pre-chat survey answers and authenticated-visitor ids with a conversation request (%s)', (format) => {
  test('Connection.requestConversation sends them in the legacy chat request, with the Messaging context', async () => {
    const visitor = await authenticated(format)
    const connection = new Connection(new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format }), fastConfig, { ownsClient: true })
    try {
      await connection.requestConversation({ skillId: 'Sales', survey, authenticatedVisitor: visitor, conversationContext: { interactionContextId: 2, lang: 'en-US' } })
      const chat = await server.nextChat()
      const sent = JSON.stringify(chat.request)
      expect(sent).toMatch(/"survey":\{"id":"?40216"?,"question":\[\{"id":"?40217"?,"answer":"Ann"\}/)
      expect(chat.request).toMatchObject({ ...visitor, LETagContextId: '2', language: 'en-US', skill: 'Sales' })
    } finally {
      await connection.close()
    }
  })

  test('the socket reads them from the cm.ConsumerRequestConversation body; a malformed one is a 400 showing the shape, and no chat', async () => {
    const visitor = await authenticated(format)
    const socket = createMessagingSocket({ accountRoot: server.accountRoot, appKey: server.appKey, format, ...fastConfig })
    const client = new MessagingClient(socket)
    try {
      await client.opened
      const bad = await client.request('bad', 'cm.ConsumerRequestConversation', { skillId: 'Sales', survey: { surveyId: 1, answers: [{ id: 2 }] } })
      expect(bad).toMatchObject({ code: 400, body: expect.stringMatching(/survey must be \{ survey: \{ surveyId: /) as unknown })
      const badVisitor = await client.request('bad2', 'cm.ConsumerRequestConversation', { authenticatedVisitor: { participantId: 'p' } })
      expect(badVisitor).toMatchObject({ code: 400 })
      const good = await client.request('r', 'cm.ConsumerRequestConversation', { skillId: 'Sales', survey, authenticatedVisitor: visitor, campaignInfo: { campaignId: 5, engagementId: 6 } })
      expect(good).toMatchObject({ code: 200 })
      const chat = await server.nextChat()
      expect(chat.id).toBe((good.body as { conversationId: string }).conversationId)
      expect(JSON.stringify(chat.request)).toMatch(/"survey":\{"id":"?40216"?/)
      expect(chat.request).toMatchObject(visitor)
      expect(String(chat.request['campaignId'])).toBe('5')
    } finally {
      client.close()
      await client.closed
    }
  })
})
