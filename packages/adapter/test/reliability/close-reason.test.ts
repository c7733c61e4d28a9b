import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, createManualClock, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Connection } from '../../src/connection.js'
import type { ExConversationChange } from '../../src/messaging-types.js'
import { Recorder } from '../support/recorder.js'
import { reliabilityConfig, within } from './support.js'

/*
 * Who ended the chat, when both sides try: the event log decides. The agent's end is its system
 * line 5 before `ended`; a consumer whose end arrived second (refused: the chat was over) did not
 * end it, even if its attempt went out before this side read the agent's end.
 */

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

describe('close reason when both sides end the chat', () => {
  test('the agent ended first, unseen by this side: the consumer\'s late close is refused by the server, resolves, and the reason is AGENT', async () => {
    const connection = new Connection(new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey }), reliabilityConfig, { ownsClient: true })
    try {
      const { conversationId } = await connection.requestConversation()
      const chat = server.chat(conversationId)
      if (chat === undefined) throw new Error('no chat')
      chat.accept({ name: 'Natalie', id: 7 })
      // Nobody subscribes yet, so this side has not read the agent's end when it closes.
      chat.end()
      // Closing is idempotent: the server's 400 on a chat already over is not a failure.
      await expect(connection.closeConversation(conversationId)).resolves.toBeUndefined()
      const conversations = new Recorder<ExConversationChange>(connection.conversations$())
      const closed = await within(conversations.next((c) => c.result.conversationDetails.state === 'CLOSE'), 5000, 'the close')
      expect(chat.endReason).toBe('agent')
      expect(closed.result.conversationDetails.closeReason).toBe('AGENT')
    } finally {
      await connection.close()
    }
  })

  test('the consumer ended first: the reason is CONSUMER', async () => {
    const connection = new Connection(new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey }), reliabilityConfig, { ownsClient: true })
    try {
      const { conversationId } = await connection.requestConversation()
      const chat = server.chat(conversationId)
      if (chat === undefined) throw new Error('no chat')
      chat.accept({ name: 'Natalie', id: 7 })
      await connection.closeConversation(conversationId)
      expect(() => chat.end()).toThrow()
      const conversations = new Recorder<ExConversationChange>(connection.conversations$())
      const closed = await within(conversations.next((c) => c.result.conversationDetails.state === 'CLOSE'), 5000, 'the close')
      expect(chat.endReason).toBe('visitor')
      expect(closed.result.conversationDetails.closeReason).toBe('CONSUMER')
    } finally {
      await connection.close()
    }
  })

  test('the server timed the chat out first: the consumer\'s refused close resolves and leaves the reason SYSTEM', async () => {
    const clock = createManualClock()
    const manual = await startLegacyChatServer({ clock, dropEndedChatsAfterMs: null })
    const connection = new Connection(new LegacyChatClient({ accountRoot: manual.accountRoot, appKey: manual.appKey }), reliabilityConfig, { ownsClient: true })
    try {
      const { conversationId } = await connection.requestConversation()
      const chat = manual.chat(conversationId)
      if (chat === undefined) throw new Error('no chat')
      chat.accept({ name: 'Natalie', id: 7 })
      // Nobody subscribes, so nothing polls: the chat times out before the close reaches it.
      clock.advance(chat.chatTimeoutS * 1000 + 1)
      await expect(connection.closeConversation(conversationId)).resolves.toBeUndefined()
      expect(chat.endReason).toBe('timeout')
      const conversations = new Recorder<ExConversationChange>(connection.conversations$())
      const closed = await within(conversations.next((c) => c.result.conversationDetails.state === 'CLOSE'), 5000, 'the close')
      expect(closed.result.conversationDetails.closeReason).toBe('SYSTEM')
    } finally {
      await connection.close()
      await manual.close()
    }
  })
})
