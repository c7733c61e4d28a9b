// ConsumerRegistry on its own: one shared connection per consumer, closed with the registry.
import { LegacyChatClient } from '@chatbridge/core'
import type { ConnectionState } from '@chatbridge/adapter'
import { startLegacyChatServer } from '@chatbridge/testing'
import type { LegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { ConsumerRegistry } from '../src/index.js'
import { fastPacing } from './support/consumer-client.js'

let legacy: LegacyChatServer
let client: LegacyChatClient
beforeAll(async () => {
  legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
  client = new LegacyChatClient({ accountRoot: legacy.accountRoot, appKey: legacy.appKey })
})
afterAll(async () => {
  await client.close()
  await legacy.close()
})

function lastState(states: ConnectionState[]): ConnectionState | undefined {
  return states.at(-1)
}

test("a consumer's sockets share one connection; another consumer has its own; close() closes them all", async () => {
  const registry = new ConsumerRegistry({ client, connection: fastPacing })
  const a1 = registry.attach('consumer-a')
  const a2 = registry.attach('consumer-a')
  const b = registry.attach('consumer-b')
  expect(a2.connection).toBe(a1.connection)
  expect(b.connection).not.toBe(a1.connection)
  expect(registry.consumers).toBe(2)

  const { conversationId } = await a1.requestConversation({ skillId: 'Sales' }, (request) => a1.connection.requestConversation(request))
  expect(a2.owns(conversationId)).toBe(true)
  expect(b.owns(conversationId)).toBe(false)
  expect(registry.openConversations).toBe(1)
  // The originator of the consumer's own events is the verified id.
  const chat = await legacy.nextChat()
  chat.accept({ name: 'Natalie', id: 7 })
  const own = new Promise<string>((resolve) => {
    a2.connection.messagingEvents$(conversationId).subscribe((change) => {
      if (change.event.type === 'ContentEvent' && change.originatorMetadata.role === 'CONSUMER') resolve(change.originatorId)
    })
  })
  await a1.connection.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: 'hello' })
  expect(await own).toBe('consumer-a')

  const states: ConnectionState[] = []
  const watching = a1.connection.state$.subscribe((state) => states.push(state))
  a1.release()
  a1.release()
  await registry.close()
  watching.unsubscribe()
  expect(lastState(states)).toEqual({ status: 'closed', reason: 'closed-by-user' })
  expect(registry.consumers).toBe(0)
  expect(() => registry.attach('consumer-a')).toThrow(expect.objectContaining({ code: 'E_CLOSED' }))
  // Closing the gateway does not end the chat: only abandoning it does.
  expect(chat.state).toBe('chatting')
})

test("a chat that ends leaves the open count, and the connection options' own onConversationEnd still hears it", async () => {
  const ends: string[] = []
  const registry = new ConsumerRegistry({ client, connection: { ...fastPacing, onConversationEnd: (id, consumer) => ends.push(`${id} ${consumer ?? '-'}`) } })
  const lease = registry.attach('consumer-c')
  const { conversationId } = await lease.requestConversation({ skillId: 'Sales' }, (request) => lease.connection.requestConversation(request))
  expect(registry.openConversations).toBe(1)
  const chat = await legacy.nextChat()
  const closed = new Promise<void>((resolve) => {
    lease.connection.conversations$().subscribe((change) => {
      if (change.result.conversationDetails.state === 'CLOSE') resolve()
    })
  })
  chat.accept({ name: 'Natalie', id: 7 })
  chat.end()
  await closed
  expect(registry.openConversations).toBe(0)
  expect(ends).toEqual([`${conversationId} consumer-c`])
  // Still its consumer's: only no longer open.
  expect(lease.owns(conversationId)).toBe(true)
  lease.release()
  await registry.close()
})
