// A chat that is over leaves its consumer's list even when the process that heard its end could not say so to the store.
import { Connection, type ConversationLease, type ConversationStore, type MessagingEventChange } from '@chatbridge/adapter'
import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { fastConfig } from '../../adapter/test/support/fast-config.js'
import { Recorder } from '../../adapter/test/support/recorder.js'
import { RedisConversationRelay, RedisConversationStore, RedisStoreError } from '../src/index.js'
import { describeWithRedis } from './support/redis-suite.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

/** `store` whose `endConversation` fails as a lost Redis would: the chat's end is heard but not recorded. */
function failingToEnd(store: RedisConversationStore, ended: ConversationLease[]): ConversationStore {
  return new Proxy(store, {
    get: (target, key) => {
      if (key === 'endConversation') {
        return (lease: ConversationLease) => {
          ended.push(lease)
          return Promise.reject(new RedisStoreError('E_REDIS_UNAVAILABLE', 'Redis went away (test)'))
        }
      }
      const value: unknown = Reflect.get(target, key, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

describeWithRedis('the consumer list of chats that are over', (redis) => {
  it('a follower promoted after the chat ended takes it off the list the holder could not', async () => {
    const prefix = 'endlist1:'
    const ended: ConversationLease[] = []
    const storeA = await RedisConversationStore.connect(redis().url, { prefix, owner: 'a', leaseTtlMs: 400 })
    const storeB = await RedisConversationStore.connect(redis().url, { prefix, owner: 'b', leaseTtlMs: 400 })
    const relayA = await RedisConversationRelay.connect(redis().url, { prefix, blockMs: 50 })
    const relayB = await RedisConversationRelay.connect(redis().url, { prefix, blockMs: 50 })
    const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
    const holder = new Connection(client, { ...fastConfig, store: failingToEnd(storeA, ended), relay: relayA, consumerId: 'dora' })
    const follower = new Connection(client, { ...fastConfig, store: storeB, relay: relayB, consumerId: 'dora' })
    const holderErrors: unknown[] = []
    const watchingErrors = holder.errors$.subscribe((error) => holderErrors.push(error))
    try {
      const { conversationId } = await holder.requestConversation({ skillId: 'Sales' })
      const chat = server.chat(conversationId)!
      const held = new Recorder<MessagingEventChange>(holder.messagingEvents$(conversationId))
      follower.followConversation(conversationId)
      const followed = new Recorder<MessagingEventChange>(follower.messagingEvents$(conversationId))
      chat.accept({ name: 'Natalie', id: 7 })
      await followed.next((c) => 'sequence' in c)
      chat.end()
      await Promise.all([held.done(), followed.done()])
      await vi.waitFor(() => expect(ended).toHaveLength(1), { timeout: 5_000 })
      await vi.waitFor(() => expect(holderErrors).toContainEqual(expect.objectContaining({ code: 'E_REDIS_UNAVAILABLE' })), { timeout: 5_000 })
      expect(await storeB.conversationsOf('dora')).toEqual([conversationId])

      // The holder leaves (its lease released): the follower takes the chat over, finds it over, and says so.
      await holder.close()
      await vi.waitFor(() => expect(follower.follows(conversationId)).toBe(false), { timeout: 5_000 })
      await vi.waitFor(async () => expect(await storeB.conversationsOf('dora')).toEqual([]), { timeout: 5_000 })
      expect(chat.state).toBe('ended')
    } finally {
      watchingErrors.unsubscribe()
      await follower.close()
      await holder.close()
      await client.close()
      await Promise.all([relayA.close(), relayB.close(), storeA.close(), storeB.close()])
    }
  }, 20_000)
})
