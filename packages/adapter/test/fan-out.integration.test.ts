import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { lastValueFrom, toArray } from 'rxjs'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { pollChat } from '../src/chat-poller.js'
import { resolveConnectionOptions } from '../src/connection-options.js'
import { Connection, MemoryConversationRelay, relayedError } from '../src/index.js'
import { followerPoller, relaySupplier } from '../src/relay-supplier.js'
import { fastConfig } from './support/fast-config.js'
import { Recorder } from './support/recorder.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

test('a follower reading the holder\'s relay sees every legacy event once, in order, and its forwarded line is posted once by the holder', async () => {
  const relay = new MemoryConversationRelay({ blockMs: 20 })
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
  const holder = new Connection(client, { ...fastConfig, relay })
  const { conversationId } = await holder.requestConversation({ skillId: 'Sales' })
  const chat = server.chat(conversationId)!
  const holderEvents = new Recorder(holder.messagingEvents$(conversationId))
  chat.accept({ name: 'Natalie', id: 7 })
  chat.say('hello, how can I help?')
  await holderEvents.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'hello, how can I help?')

  // The follower starts late, from the oldest page the stream keeps.
  const reads: number[] = []
  const follower = lastValueFrom(
    pollChat(
      relaySupplier(relay, conversationId, (from, signal) => {
        reads.push(from)
        return client.attach(conversationId).snapshot({ from, signal })
      }),
      { from: 0, next: undefined },
      followerPoller(resolveConnectionOptions().poller),
    ).pipe(toArray()),
  )
  const answer = await relay.forward(conversationId, { kind: 'publishEvent', event: { type: 'ContentEvent', contentType: 'text/plain', message: 'from the other process' } })
  expect(answer).toMatchObject({ ok: true, value: { sequence: expect.any(Number) as number } })
  const refused = await relay.forward(conversationId, { kind: 'updateConversationField', field: { field: 'ParticipantsChange', type: 'ADD' } as never })
  expect(refused.ok ? undefined : relayedError(refused.error)).toMatchObject({ code: 'E_BAD_REQUEST' })
  await holderEvents.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'from the other process')
  chat.say('bye')
  await holderEvents.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'bye')
  expect(await relay.forward(conversationId, { kind: 'close' })).toEqual({ ok: true, value: null })

  const outputs = await follower
  const followed = outputs.flatMap((output) => (output.kind === 'page' ? output.events.map((event) => event.id) : []))
  expect(followed).toEqual(chat.events.map((event) => Number(event['@id'])))
  expect(chat.visitorLines().filter((line) => line.text === 'from the other process')).toHaveLength(1)
  // The stream still held the chat's first page: the follower never read the chat itself.
  expect(reads).toEqual([])
  await holder.close()
  await client.close()
})
