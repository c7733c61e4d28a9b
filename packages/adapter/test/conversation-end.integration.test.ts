// `onConversationEnd`: one callback for every conversation of a connection, told once of each one's end.
import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, expect, test } from 'vitest'
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

test('is told once, with the connection\'s consumer, when a chat ends; then once for the one left open when the connection closes', async () => {
  const ends: string[] = []
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
  const connection = new Connection(client, { ...fastConfig, consumerId: 'v-1', keepConversationsAlive: true, onConversationEnd: (id, consumer) => ends.push(`${id} ${consumer ?? '-'}`) }, { ownsClient: true })
  const conversations = new Recorder<ExConversationChange>(connection.conversations$())
  const first = await connection.requestConversation({ skillId: 'Sales' })
  const firstChat = await server.nextChat()
  const second = await connection.requestConversation({ skillId: 'Sales' })
  await server.nextChat()
  await conversations.next((c) => c.result.convId === second.conversationId && c.result.conversationDetails.state === 'OPEN')
  firstChat.accept({ name: 'Natalie', id: 7 })
  firstChat.end()
  await conversations.next((c) => c.result.convId === first.conversationId && c.result.conversationDetails.state === 'CLOSE')
  expect(ends).toEqual([`${first.conversationId} v-1`])
  await connection.close()
  expect(ends).toEqual([`${first.conversationId} v-1`, `${second.conversationId} v-1`])
})
