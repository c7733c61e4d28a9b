// Two gateway processes (in-process here) on one Redis: a consumer whose gateway dies continues its
// conversation on the other, with nothing lost or sent twice. Both wire formats.
import { RedisConversationStore } from '@chatbridge/redis'
import { startLegacyChatServer } from '@chatbridge/testing'
import type { LegacyChatServer } from '@chatbridge/testing'
import { afterEach, expect, test, vi } from 'vitest'
import { describeWithRedis } from '../../../redis/test/support/redis-suite.js'
import { ConsumerClient, newConsumer, requestConversation, say } from '../support/consumer-client.js'
import type { ConversationChange } from '../support/consumer-client.js'
import { testSigningKey } from '../support/gateway-client.js'
import { type TestSigningKey, startRedisGateway } from '../support/redis-gateway.js'

vi.setConfig({ testTimeout: 30_000 })
const leaseTtlMs = 800
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

let run = 0

describeWithRedis('two gateways on one Redis', (redis) => {
  const gatewayOn = (legacy: LegacyChatServer, format: 'json' | 'xml', prefix: string, signingKey: TestSigningKey) =>
    startRedisGateway({ redisUrl: redis().url, legacy, format, prefix, signingKey, leaseTtlMs, cleanups })

  test.each(['json', 'xml'] as const)('a consumer whose gateway died continues on the other with the same token (%s)', async (format) => {
    const prefix = `two${++run}:`
    const legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
    cleanups.push(() => legacy.close())
    const signingKey = await testSigningKey()
    const a = await gatewayOn(legacy, format, prefix, signingKey)
    const b = await gatewayOn(legacy, format, prefix, signingKey)
    const { jwt } = await newConsumer(a.gateway)

    const onA = await ConsumerClient.open(a.gateway, jwt)
    const { conversationId, chat } = await requestConversation(onA, legacy)
    // Lines sent while the chat waits: queued, then the gateway dies before any agent joins.
    void say(onA, conversationId, 'first, while waiting')
    void say(onA, conversationId, 'second, while waiting')
    const observer = await RedisConversationStore.connect(redis().url, { prefix, leaseTtlMs })
    cleanups.push(() => observer.close())
    await vi.waitFor(async () => {
      const stored = await observer.loadConversation(conversationId)
      expect(stored?.outbound.lines.map((line) => line.text)).toEqual(['first, while waiting', 'second, while waiting'])
    }, { timeout: 10_000, interval: 20 })
    await a.die()

    const onB = await ConsumerClient.open(b.gateway, jwt)
    cleanups.push(() => onB.close())
    expect(await onB.request('cqm.SubscribeExConversations', { convState: ['OPEN'] })).toMatchObject({ code: 200 })
    const first = await onB.until((f) => f.type === 'cqm.ExConversationChangeNotification')
    expect(((first.body.changes ?? []) as ConversationChange[]).map((c) => c.result.convId)).toEqual([conversationId])

    expect(await onB.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).toMatchObject({ code: 200 })
    chat.accept({ name: 'Natalie', id: 7 })
    await chat.waitForVisitorLine('second, while waiting')
    chat.say('Hello from the agent')
    await onB.change((c) => c.event.message === 'Hello from the agent')
    expect(await say(onB, conversationId, 'third, on B')).toMatchObject({ code: 200 })
    await onB.change((c) => c.event.message === 'third, on B')

    // Every line posted exactly once, in order, as the testing server logged them.
    expect(chat.visitorLines().map((line) => String(line['text']))).toEqual(['first, while waiting', 'second, while waiting', 'third, on B'])
    // What B delivered from fromSeq 0 is the legacy log: nothing lost, nothing twice, in order.
    const sequences = onB.changes().flatMap((c) => (c.sequence === undefined ? [] : [c.sequence]))
    expect(sequences).toEqual(chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id'])))
    expect(b.errors).toEqual([])
  })
})
