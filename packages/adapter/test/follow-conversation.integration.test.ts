import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { firstValueFrom, filter } from 'rxjs'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Connection, MemoryConversationRelay, MemoryConversationStore, type MessagingEventChange } from '../src/index.js'
import { fastConfig } from './support/fast-config.js'
import { Recorder } from './support/recorder.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

const line = (message: string) => ({ type: 'ContentEvent', contentType: 'text/plain', message }) as const
const isLine = (message: string) => (c: MessagingEventChange): boolean => c.event.type === 'ContentEvent' && c.event.message === message
const seqOf = (c: MessagingEventChange): number | undefined => ('sequence' in c ? c.sequence : undefined)
// Sequenced changes only: chat-state changes (typing) are live, not logged, so not numbered alike.
const seen = (changes: readonly MessagingEventChange[]) => changes.flatMap((c) => ('sequence' in c ? [{ sequence: c.sequence, event: c.event, originatorId: c.originatorId }] : []))

function pair(consumers: { readonly holder: string; readonly follower: string }) {
  const store = new MemoryConversationStore()
  const relay = new MemoryConversationRelay({ blockMs: 20 })
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
  const holder = new Connection(client, { ...fastConfig, store, relay, consumerId: consumers.holder })
  const follower = new Connection(client, { ...fastConfig, store, relay, consumerId: consumers.follower })
  return {
    holder,
    follower,
    close: async () => {
      await follower.close()
      await holder.close()
      await client.close()
    },
  }
}

test('a follower sees every notification of the holder, equal seqs, once, in order; its line and close run once on the holder', async () => {
  const { holder, follower, close } = pair({ holder: 'x', follower: 'x' })
  const { conversationId } = await holder.requestConversation({ skillId: 'Sales' })
  const chat = server.chat(conversationId)!
  const held = new Recorder(holder.messagingEvents$(conversationId))
  chat.accept({ name: 'Natalie', id: 7 })
  chat.say('hello, how can I help?')
  await held.next(isLine('hello, how can I help?'))

  expect(follower.followConversation(conversationId)).toEqual({ conversationId })
  const followed = new Recorder(follower.messagingEvents$(conversationId))
  const listed = firstValueFrom(follower.conversations$().pipe(filter((change) => change.result.convId === conversationId)))
  const { sequence } = await follower.publishEvent(conversationId, line('from the follower'))
  expect(seqOf(await followed.next(isLine('from the follower')))).toBe(sequence)
  await expect(follower.updateConversationField(conversationId, { field: 'ParticipantsChange', type: 'ADD' })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' })
  chat.say('bye')
  await followed.next(isLine('bye'))
  await follower.closeConversation(conversationId)
  await Promise.all([held.done(), followed.done()])

  expect(seen(followed.values)).toEqual(seen(held.values))
  expect(new Set(seen(followed.values).map((c) => c.sequence)).size).toBe(seen(followed.values).length)
  expect(chat.visitorLines().filter((l) => l.text === 'from the follower')).toHaveLength(1)
  expect(chat.state).toBe('ended')
  expect((await listed).result.convId).toBe(conversationId)
  await close()
})

test('a chat gone on the holder completes its followers too, the conversation closed', async () => {
  const { holder, follower, close } = pair({ holder: 'x', follower: 'x' })
  const { conversationId } = await holder.requestConversation({ skillId: 'Sales' })
  const held = new Recorder(holder.messagingEvents$(conversationId))
  server.chat(conversationId)!.accept({ name: 'Natalie', id: 7 })
  follower.followConversation(conversationId)
  const followed = new Recorder(follower.messagingEvents$(conversationId))
  const closed = firstValueFrom(follower.conversations$().pipe(filter((change) => change.result.conversationDetails.state === 'CLOSE')))
  await followed.next((c) => seqOf(c) !== undefined)
  server.drop(conversationId)
  await Promise.all([held.done(), followed.done()])
  expect((await closed).result.convId).toBe(conversationId)
  await close()
})

test('another consumer cannot follow the conversation: its streams and commands are refused, nothing is forwarded', async () => {
  const { holder, follower, close } = pair({ holder: 'x', follower: 'y' })
  const { conversationId } = await holder.requestConversation({ skillId: 'Sales' })
  follower.followConversation(conversationId)
  await expect(firstValueFrom(follower.messagingEvents$(conversationId))).rejects.toMatchObject({ code: 'E_UNKNOWN_CONVERSATION' })
  await expect(follower.publishEvent(conversationId, line('not mine'))).rejects.toMatchObject({ code: 'E_UNKNOWN_CONVERSATION' })
  expect(server.chat(conversationId)!.visitorLines()).toEqual([])
  await close()
})
