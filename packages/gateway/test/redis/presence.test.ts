// Presence across processes: the gateway holding a consumer's chat does not end it while the
// consumer's socket is on the other gateway; it ends it (once) when the consumer has left both.
// A promoted chat is the promoted gateway's to end on abandon.
import { startLegacyChatServer } from '@chatbridge/testing'
import type { LegacyChat, LegacyChatServer } from '@chatbridge/testing'
import { afterEach, expect, test, vi } from 'vitest'
import { describeWithRedis } from '../../../redis/test/support/redis-suite.js'
import type { Gateway } from '../../src/index.js'
import { ConsumerClient, newConsumer, requestConversation } from '../support/consumer-client.js'
import { testSigningKey } from '../support/gateway-client.js'
import { type TestSigningKey, startRedisGateway } from '../support/redis-gateway.js'

vi.setConfig({ testTimeout: 30_000 })
const leaseTtlMs = 800
// Short, so the abandon timers fire within the test; presence is renewed every quarter of it, so a
// renewal late by up to three ticks on a loaded machine still keeps the mark.
const abandonAfterMs = 1_200
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

let run = 0
const deferred = async (gateway: Gateway): Promise<number> => (await gateway.metrics.abandonsDeferred.get()).values[0]?.value ?? 0
const endedEvents = (chat: LegacyChat) => chat.events.filter((e) => e['@type'] === 'state' && e['state'] === 'ended')

describeWithRedis('presence of a consumer across two gateways on one Redis', (redis) => {
  const gatewayOn = (legacy: LegacyChatServer, prefix: string, signingKey: TestSigningKey) =>
    startRedisGateway({ redisUrl: redis().url, legacy, prefix, signingKey, leaseTtlMs, relay: true, abandonAfterMs, cleanups })

  async function twoGateways() {
    const prefix = `presence${++run}:`
    const legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
    cleanups.push(() => legacy.close())
    const signingKey = await testSigningKey()
    const a = await gatewayOn(legacy, prefix, signingKey)
    const b = await gatewayOn(legacy, prefix, signingKey)
    const x = await newConsumer(a.gateway)
    const onA = await ConsumerClient.open(a.gateway, x.jwt)
    const { conversationId, chat } = await requestConversation(onA, legacy)
    chat.accept({ name: 'Natalie', id: 7 })
    chat.say('before')
    const onB = await ConsumerClient.open(b.gateway, x.jwt)
    cleanups.push(() => onB.close())
    expect(await onB.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).toMatchObject({ code: 200 })
    await onB.change((c) => c.event.message === 'before')
    return { a, b, onA, onB, conversationId, chat }
  }

  test('the holder keeps the chat while the consumer is on the other gateway, and ends it once when it left both', async () => {
    const { a, b, onA, onB, conversationId, chat } = await twoGateways()
    await onA.close()

    // A's abandon timer fired and was put off: X is present on B.
    await vi.waitFor(async () => expect(await deferred(a.gateway)).toBeGreaterThan(0), { timeout: 10_000, interval: 20 })
    expect(chat.state).toBe('chatting')
    chat.say('still here')
    await onB.change((c) => c.event.message === 'still here')
    expect(a.polled.has(conversationId)).toBe(true)
    expect(b.polled.has(conversationId)).toBe(false)

    // X leaves B too: once its presence runs out the holder ends the chat as the visitor leaving.
    await onB.close()
    await chat.waitForState('ended')
    expect(chat.endReason).toBe('visitor')
    expect(endedEvents(chat)).toHaveLength(1)
    // B never held it: only A polled it, to the end.
    expect(b.polled.has(conversationId)).toBe(false)
    expect([...a.errors, ...b.errors]).toEqual([])
  })

  test('a chat promoted on the follower is ended by it when the consumer leaves', async () => {
    const { a, b, onB, conversationId, chat } = await twoGateways()
    await a.die()
    await vi.waitFor(() => expect(b.polled.has(conversationId)).toBe(true), { timeout: 10_000, interval: 20 })
    chat.say('after the holder died')
    await onB.change((c) => c.event.message === 'after the holder died')

    await onB.close()
    await chat.waitForState('ended')
    expect(chat.endReason).toBe('visitor')
    expect(endedEvents(chat)).toHaveLength(1)
    expect(b.errors).toEqual([])
  })
})
