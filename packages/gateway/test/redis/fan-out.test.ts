// Fan-out: two gateway processes (in-process here) on one Redis; a consumer's socket on the process
// that does not hold its chat gets every notification through the relay, and its lines are posted
// by the holder, once. Both wire formats.
import { startLegacyChatServer } from '@chatbridge/testing'
import type { LegacyChatServer } from '@chatbridge/testing'
import { afterEach, expect, test, vi } from 'vitest'
import { describeWithRedis } from '../../../redis/test/support/redis-suite.js'
import { ConsumerClient, newConsumer, requestConversation, say } from '../support/consumer-client.js'
import type { Change, ConversationChange } from '../support/consumer-client.js'
import { testSigningKey } from '../support/gateway-client.js'
import { type TestSigningKey, startRedisGateway } from '../support/redis-gateway.js'

vi.setConfig({ testTimeout: 30_000 })
const leaseTtlMs = 800
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

let run = 0
const sequenced = (changes: readonly Change[]) => changes.flatMap((c) => (c.sequence === undefined ? [] : [{ sequence: c.sequence, originatorId: c.originatorId, event: c.event }]))

describeWithRedis('fan-out between two gateways on one Redis', (redis) => {
  const gatewayOn = (legacy: LegacyChatServer, format: 'json' | 'xml', prefix: string, signingKey: TestSigningKey) =>
    startRedisGateway({ redisUrl: redis().url, legacy, format, prefix, signingKey, leaseTtlMs, relay: true, cleanups })

  test.each(['json', 'xml'] as const)('a second socket of the consumer on the other gateway follows the conversation (%s)', async (format) => {
    const prefix = `fan${++run}:`
    const legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
    cleanups.push(() => legacy.close())
    const signingKey = await testSigningKey()
    const a = await gatewayOn(legacy, format, prefix, signingKey)
    const b = await gatewayOn(legacy, format, prefix, signingKey)
    const x = await newConsumer(a.gateway)

    const onA = await ConsumerClient.open(a.gateway, x.jwt)
    cleanups.push(() => onA.close())
    expect(await onA.request('cqm.SubscribeExConversations', { convState: ['OPEN'] })).toMatchObject({ code: 200 })
    const { conversationId, chat } = await requestConversation(onA, legacy)
    expect(await onA.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).toMatchObject({ code: 200 })
    chat.accept({ name: 'Natalie', id: 7 })
    chat.say('Hello from the agent')
    await onA.change((c) => c.event.message === 'Hello from the agent')

    const onB = await ConsumerClient.open(b.gateway, x.jwt)
    cleanups.push(() => onB.close())
    expect(await onB.request('cqm.SubscribeExConversations', { convState: ['OPEN'] })).toMatchObject({ code: 200 })
    const first = await onB.until((f) => f.type === 'cqm.ExConversationChangeNotification')
    expect(((first.body.changes ?? []) as ConversationChange[]).map((c) => c.result.convId)).toEqual([conversationId])
    expect(await onB.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).toMatchObject({ code: 200 })

    const sent = await say(onB, conversationId, 'a line from B')
    expect(sent).toMatchObject({ code: 200 })
    const onBoth = await Promise.all([onA.change((c) => c.event.message === 'a line from B'), onB.change((c) => c.event.message === 'a line from B')])
    expect(onBoth.map((c) => c.sequence)).toEqual([sent.body.sequence, sent.body.sequence])
    chat.say('Bye now')
    chat.end()
    const closed = (client: ConsumerClient) =>
      client.until((f) => f.type === 'cqm.ExConversationChangeNotification' && ((f.body.changes ?? []) as ConversationChange[]).some((c) => c.result.conversationDetails.state === 'CLOSE'))
    await Promise.all([onA.change((c) => c.event.message === 'Bye now'), onB.change((c) => c.event.message === 'Bye now'), closed(onA), closed(onB)])

    // B's socket got what A's did: equal seqs, once each, in order, equal to the legacy log.
    expect(sequenced(onB.changes())).toEqual(sequenced(onA.changes()))
    const seqs = sequenced(onB.changes()).map((c) => c.sequence)
    expect(seqs).toEqual(chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id'])))
    expect(chat.visitorLines().map((line) => String(line['text']))).toEqual(['a line from B'])
    // Only the holder polled the legacy chat.
    expect(a.polled.has(conversationId)).toBe(true)
    expect(b.polled.has(conversationId)).toBe(false)
    expect([...a.errors, ...b.errors]).toEqual([])
  })

  test('another consumer on the other gateway cannot reach the conversation', async () => {
    const prefix = `fan${++run}:`
    const legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
    cleanups.push(() => legacy.close())
    const signingKey = await testSigningKey()
    const a = await gatewayOn(legacy, 'json', prefix, signingKey)
    const b = await gatewayOn(legacy, 'json', prefix, signingKey)
    const x = await newConsumer(a.gateway)
    const y = await newConsumer(b.gateway)
    const onA = await ConsumerClient.open(a.gateway, x.jwt)
    cleanups.push(() => onA.close())
    const { conversationId, chat } = await requestConversation(onA, legacy)

    const onY = await ConsumerClient.open(b.gateway, y.jwt)
    cleanups.push(() => onY.close())
    expect(await onY.request('cqm.SubscribeExConversations', { convState: ['OPEN'] })).toMatchObject({ code: 200 })
    const first = await onY.until((f) => f.type === 'cqm.ExConversationChangeNotification')
    expect(first.body.changes ?? []).toEqual([])
    expect((await onY.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).code).toBeGreaterThanOrEqual(400)
    expect((await say(onY, conversationId, 'not mine')).code).toBeGreaterThanOrEqual(400)
    expect(chat.visitorLines()).toEqual([])
    expect(onY.changes()).toEqual([])
  })

  test('when the holder dies, the follower takes the chat over: its socket sees a continuation, nothing lost or twice', async () => {
    const prefix = `fan${++run}:`
    const legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
    cleanups.push(() => legacy.close())
    const signingKey = await testSigningKey()
    const a = await gatewayOn(legacy, 'json', prefix, signingKey)
    const b = await gatewayOn(legacy, 'json', prefix, signingKey)
    const x = await newConsumer(a.gateway)
    const onA = await ConsumerClient.open(a.gateway, x.jwt)
    const { conversationId, chat } = await requestConversation(onA, legacy)
    chat.accept({ name: 'Natalie', id: 7 })
    chat.say('before the holder died')
    const onB = await ConsumerClient.open(b.gateway, x.jwt)
    cleanups.push(() => onB.close())
    expect(await onB.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).toMatchObject({ code: 200 })
    await onB.change((c) => c.event.message === 'before the holder died')
    expect(b.polled.has(conversationId)).toBe(false)

    await a.die()
    // B takes the lease once it expires and polls the chat itself; its lines go out from here.
    await vi.waitFor(() => expect(b.polled.has(conversationId)).toBe(true), { timeout: 10_000, interval: 20 })
    chat.say('after the holder died')
    await onB.change((c) => c.event.message === 'after the holder died')
    expect(await say(onB, conversationId, 'from B, now the holder')).toMatchObject({ code: 200 })
    await onB.change((c) => c.event.message === 'from B, now the holder')
    const seqs = sequenced(onB.changes()).map((c) => c.sequence)
    expect(seqs).toEqual(chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id'])))
    expect(chat.visitorLines().map((line) => String(line['text']))).toEqual(['from B, now the holder'])
    expect(b.errors).toEqual([])
  })
})
