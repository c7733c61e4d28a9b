import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Connection } from '../src/connection.js'
import type { ConnectionOptions } from '../src/connection-options.js'
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

// The testing server's exit survey: 361346, with the radio question 4991311 (yes / no) and the text question 4991310.
describe.each(['json', 'xml'] as const)('CSATRate as the exit survey answer (%s)', (format) => {
  const connect = (options: ConnectionOptions): Connection =>
    new Connection(new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format }), { ...fastConfig, ...options }, { ownsClient: true })

  test('Connection: the survey id is read from the exit survey, the rating answers the configured question, then the chat closes', async () => {
    const connection = connect({ csat: { questionId: 4991310 } })
    try {
      const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
      const chat = await server.nextChat()
      await connection.updateConversationField(conversationId, [
        { field: 'CSATRate', csatRate: 4, csatResolutionConfirmation: true },
        { field: 'ConversationStateField', conversationState: 'CLOSE' },
      ])
      expect(chat.surveyAnswers).toHaveLength(1)
      expect(JSON.stringify(chat.surveyAnswers[0])).toMatch(/"id":"?361346"?.*"id":"?4991310"?.*"answer":"4"/)
      expect(chat.state).toBe('ended')
    } finally {
      await connection.close()
    }
  })

  test('Connection: without the csat option, or with a rate outside 1–5, nothing is sent and the rejection says what to do', async () => {
    const unconfigured = connect({})
    const configured = connect({ csat: { questionId: 4991310, surveyId: 361346 } })
    const wrongQuestion = connect({ csat: { questionId: 777 } })
    try {
      const { conversationId } = await unconfigured.requestConversation({ skillId: 'Sales' })
      const chat = await server.nextChat()
      await expect(unconfigured.updateConversationField(conversationId, { field: 'CSATRate', csatRate: 5 })).rejects.toMatchObject({ code: 'E_BAD_REQUEST', message: expect.stringMatching(/configure it with the connection option csat/) as unknown })
      const other = await configured.requestConversation({ skillId: 'Sales' })
      const otherChat = await server.nextChat()
      await expect(configured.updateConversationField(other.conversationId, { field: 'CSATRate', csatRate: 6 })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' })
      await expect(wrongQuestion.updateConversationField(other.conversationId, { field: 'CSATRate', csatRate: 3 })).rejects.toThrow(/has no question 777/)
      expect([chat.surveyAnswers, otherChat.surveyAnswers]).toEqual([[], []])
    } finally {
      await Promise.all([unconfigured.close(), configured.close(), wrongQuestion.close()])
    }
  })

  test('the socket: 200 with the csat option (survey id as configured), 400 with what to configure without it, 400 for a rate of 0', async () => {
    const rated = createMessagingSocket({ accountRoot: server.accountRoot, appKey: server.appKey, format, ...fastConfig, csat: { questionId: 4991311, surveyId: 361346 } })
    const plain = createMessagingSocket({ accountRoot: server.accountRoot, appKey: server.appKey, format, ...fastConfig })
    const [client, other] = [new MessagingClient(rated), new MessagingClient(plain)]
    try {
      await Promise.all([client.opened, other.opened])
      const { conversationId } = (await client.request('r', 'cm.ConsumerRequestConversation', { skillId: 'Sales' })).body as { conversationId: string }
      const chat = await server.nextChat()
      expect(await client.request('bad', 'cm.UpdateConversationField', { conversationId, conversationField: { field: 'CSATRate', csatRate: 0 } })).toMatchObject({ code: 400 })
      expect(await client.request('ok', 'cm.UpdateConversationField', { conversationId, conversationField: { field: 'CSATRate', csatRate: 5 } })).toMatchObject({ code: 200 })
      expect(JSON.stringify(chat.surveyAnswers)).toMatch(/"id":"?361346"?.*"id":"?4991311"?.*"answer":"5"/)

      const plainId = ((await other.request('r', 'cm.ConsumerRequestConversation', { skillId: 'Sales' })).body as { conversationId: string }).conversationId
      const plainChat = await server.nextChat()
      const refused = await other.request('c', 'cm.UpdateConversationField', { conversationId: plainId, conversationField: [{ field: 'CSATRate', csatRate: 3 }] })
      expect(refused).toMatchObject({ code: 400, body: expect.stringMatching(/csat: \{ questionId: /) as unknown })
      expect(plainChat.surveyAnswers).toEqual([])
    } finally {
      client.close()
      other.close()
      await Promise.all([client.closed, other.closed])
    }
  })
})
