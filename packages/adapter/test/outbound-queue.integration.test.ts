// Closing a conversation whose chat is already over, against the legacy chat server: it resolves
// (closing is idempotent) and the conversation keeps the close reason the chat had.
import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, createManualClock, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Connection } from '../src/connection.js'
import type { ExConversationChange } from '../src/messaging-types.js'
import { fastConfig } from './support/fast-config.js'
import { Recorder } from './support/recorder.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

function connect(format: 'json' | 'xml'): Connection {
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format })
  return new Connection(client, fastConfig, { ownsClient: true })
}

const closeReasonOf = (change: ExConversationChange | undefined): string | undefined => change?.result.conversationDetails.closeReason

describe.each(['json', 'xml'] as const)('closing a chat that is already over (%s)', (format) => {
  test('the agent ended it, and this side has not read that yet: close resolves, the reason is AGENT', async () => {
    const connection = connect(format)
    try {
      const conversations = new Recorder<ExConversationChange>(connection.conversations$())
      const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
      const chat = await server.nextChat()
      chat.accept({ name: 'Natalie', id: 7 })
      await conversations.next((c) => c.result.conversationDetails.participants.some((p) => p.role === 'ASSIGNED_AGENT'))
      chat.end()
      await connection.closeConversation(conversationId)
      const closed = await conversations.next((c) => c.result.conversationDetails.state === 'CLOSE')
      expect(closeReasonOf(closed)).toBe('AGENT')
      // Closing again, once the close is known, resolves too and changes nothing.
      await connection.closeConversation(conversationId)
      expect(closeReasonOf(conversations.values.at(-1))).toBe('AGENT')
    } finally {
      await connection.close()
    }
  })

  test('the server timed it out (a system end): close resolves, the reason is SYSTEM', async () => {
    const clock = createManualClock()
    const manual = await startLegacyChatServer({ clock, dropEndedChatsAfterMs: null })
    const connection = new Connection(new LegacyChatClient({ accountRoot: manual.accountRoot, appKey: manual.appKey, format }), fastConfig, { ownsClient: true })
    try {
      const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
      const chat = manual.chat(conversationId)
      if (chat === undefined) throw new Error('no chat')
      // Nobody subscribes, so nothing polls: the chat times out before the close reaches it.
      clock.advance(chat.chatTimeoutS * 1000 + 1)
      await connection.closeConversation(conversationId)
      expect(chat.endReason).toBe('timeout')
      const conversations = new Recorder<ExConversationChange>(connection.conversations$())
      const closed = await conversations.next((c) => c.result.conversationDetails.state === 'CLOSE')
      expect(closeReasonOf(closed)).toBe('SYSTEM')
    } finally {
      await connection.close()
      await manual.close()
    }
  })
})
