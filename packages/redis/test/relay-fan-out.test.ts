import { Connection, relayedError } from '@chatbridge/adapter'
import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type PollerOutput, followerPoller, pollChat, relaySupplier } from '@chatbridge/adapter/internals'
import { fastConfig } from '../../adapter/test/support/fast-config.js'
import { Recorder } from '../../adapter/test/support/recorder.js'
import { RedisConversationRelay, RedisConversationStore } from '../src/index.js'
import { describeWithRedis } from './support/redis-suite.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

describeWithRedis('fan-out through a real Redis', (redis) => {
  it("a follower process's poll loop over the stream gets every legacy event once, in order; its line, forwarded, is posted once", async () => {
    const prefix = 'fanout1:'
    const store = await RedisConversationStore.connect(redis().url, { prefix, owner: 'a' })
    const holderRelay = await RedisConversationRelay.connect(redis().url, { prefix, blockMs: 100 })
    const followerRelay = await RedisConversationRelay.connect(redis().url, { prefix, blockMs: 100 })
    const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
    const holder = new Connection(client, { ...fastConfig, store, relay: holderRelay })
    try {
      const { conversationId } = await holder.requestConversation({ skillId: 'Sales' })
      const chat = server.chat(conversationId)!
      const events = new Recorder(holder.messagingEvents$(conversationId))
      chat.accept({ name: 'Natalie', id: 7 })
      chat.say('hello')
      await events.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'hello')
      const reads: number[] = []
      const follower = collect(
        pollChat(
          relaySupplier(followerRelay, conversationId, (from, signal) => {
            reads.push(from)
            return client.attach(conversationId).snapshot({ from, signal })
          }),
          { from: 0, next: undefined },
          followerPoller(),
        ),
      )
      const sent = await followerRelay.forward(conversationId, { kind: 'publishEvent', event: { type: 'ContentEvent', contentType: 'text/plain', message: 'from B' } })
      expect(sent).toMatchObject({ ok: true, value: { sequence: expect.any(Number) as number } })
      const refused = await followerRelay.forward(conversationId, { kind: 'updateConversationField', field: { field: 'ParticipantsChange', type: 'ADD' } as never })
      expect(refused.ok ? undefined : relayedError(refused.error)).toMatchObject({ code: 'E_BAD_REQUEST' })
      await events.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'from B')
      expect(await followerRelay.forward(conversationId, { kind: 'close' })).toEqual({ ok: true, value: null })
      const outputs: PollerOutput[] = await follower
      const followed = outputs.flatMap((output) => (output.kind === 'page' ? output.events.map((event) => event.id) : []))
      expect(followed).toEqual(chat.events.map((event) => Number(event['@id'])))
      expect(chat.visitorLines().filter((line) => line.text === 'from B')).toHaveLength(1)
      expect(reads).toEqual([])
    } finally {
      await holder.close()
      await client.close()
      await Promise.all([holderRelay.close(), followerRelay.close()])
      await store.close()
    }
  })
})

/** Every value until the loop completes (the chat ended). */
function collect(outputs: ReturnType<typeof pollChat>): Promise<PollerOutput[]> {
  return new Promise((resolve, reject) => {
    const seen: PollerOutput[] = []
    outputs.subscribe({ next: (output) => seen.push(output), error: reject, complete: () => resolve(seen) })
  })
}
