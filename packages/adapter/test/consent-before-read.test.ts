// A conversation is not read before the store said it is this consumer's: a slow store leaks nothing of another consumer's chat.
import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { firstValueFrom } from 'rxjs'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { Connection, type ConversationStore, MemoryConversationStore } from '../src/index.js'
import { fastConfig } from './support/fast-config.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

/** `store` whose every call waits for `open()`; `asked` counts the calls made. */
function heldStore(store: MemoryConversationStore): { readonly store: ConversationStore; readonly open: () => void; readonly asked: () => number } {
  let open = (): void => undefined
  const gate = new Promise<void>((resolve) => (open = resolve))
  let asked = 0
  const held = new Proxy(store, {
    get: (target, key) => {
      const value: unknown = Reflect.get(target, key, target)
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        asked += 1
        await gate
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return { store: held, open: () => open(), asked: () => asked }
}

test("another consumer's conversation, resumed while the store is slow, is never polled nor listed", async () => {
  const memory = new MemoryConversationStore()
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
  const owner = new Connection(client, { ...fastConfig, store: memory, consumerId: 'x' })
  const { conversationId } = await owner.requestConversation({ skillId: 'Sales' })
  const chat = server.chat(conversationId)!
  chat.accept({ name: 'Natalie', id: 7 })
  chat.say('for x only')
  await owner.close()

  let polls = 0
  const offPoll = chat.on('poll', () => (polls += 1))
  const slow = heldStore(memory)
  const intruder = new Connection(client, { ...fastConfig, store: slow.store, consumerId: 'y' })
  const listed: unknown[] = []
  const listing = intruder.conversations$().subscribe((change) => listed.push(change))
  const legacy: unknown[] = []
  const legacyEvents = intruder.legacyEvents$().subscribe((event) => legacy.push(event))
  intruder.resumeConversation(conversationId)
  const refused = firstValueFrom(intruder.messagingEvents$(conversationId))
  await vi.waitFor(() => expect(slow.asked()).toBeGreaterThan(0))
  // A read of the chat made after the resume has come back: a poll started by the resume would have too.
  await client.attach(conversationId).snapshot({ from: 0 })
  const probe = polls
  slow.open()
  await expect(refused).rejects.toMatchObject({ code: 'E_UNKNOWN_CONVERSATION' })

  expect(probe).toBe(1)
  expect(polls).toBe(1)
  expect(listed).toEqual([])
  expect(legacy).toEqual([])
  offPoll()
  listing.unsubscribe()
  legacyEvents.unsubscribe()
  await intruder.close()
  await client.close()
})

test("connections of two consumers on one store and client (sharing their resolved options) keep each one's conversations its own", async () => {
  const store = new MemoryConversationStore()
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
  const [x, y] = [new Connection(client, { ...fastConfig, store, consumerId: 'x' }), new Connection(client, { ...fastConfig, store, consumerId: 'y' })]
  const { conversationId } = await x.requestConversation({ skillId: 'Sales' })
  const chat = server.chat(conversationId)!
  chat.accept({ name: 'Natalie', id: 7 })
  chat.say('for x only')
  await expect(firstValueFrom(y.messagingEvents$(conversationId))).rejects.toMatchObject({ code: 'E_UNKNOWN_CONVERSATION' })
  await expect(y.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: 'not mine' })).rejects.toMatchObject({ code: 'E_UNKNOWN_CONVERSATION' })
  expect(await store.conversationsOf('x')).toEqual([conversationId])
  await Promise.all([x.close(), y.close()])
  await client.close()
})
