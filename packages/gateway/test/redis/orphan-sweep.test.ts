// Two gateways (in-process) on one Redis: when one dies and its consumer stays away, the other takes
// the chat over by the orphan sweep (polled within the bound), and the consumer finds it there later.
import { RedisConversationStore, createStoreClient } from '@chatbridge/redis'
import { startLegacyChatServer } from '@chatbridge/testing'
import type { LegacyChat, LegacyChatServer } from '@chatbridge/testing'
import { afterEach, expect, test, vi } from 'vitest'
import { describeWithRedis } from '../../../redis/test/support/redis-suite.js'
import { sweepPace } from '../../src/orphan-sweeper.js'
import { ConsumerClient, fastPacing, newConsumer, requestConversation, say } from '../support/consumer-client.js'
import type { ConversationChange } from '../support/consumer-client.js'
import { testSigningKey } from '../support/gateway-client.js'
import { type TestSigningKey, startRedisGateway } from '../support/redis-gateway.js'

vi.setConfig({ testTimeout: 30_000 })
const leaseTtlMs = 900
const pollMs = fastPacing.chattingIntervalMs ?? 15
/** The few Redis round trips of a take-over and the GET itself, on a loaded 2-core machine. */
const slackMs = 300
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

let run = 0

describeWithRedis('the orphan sweep', (redis) => {
  const gatewayOn = (legacy: LegacyChatServer, prefix: string, signingKey: TestSigningKey, abandonAfterMs?: number) =>
    startRedisGateway({ redisUrl: redis().url, legacy, prefix, signingKey, leaseTtlMs, abandonAfterMs, cleanups })

  /** A consumer on A in a chat with one exchange; then A dies. Resolves once A is gone. */
  async function orphanOnA(abandonAfterMs?: number) {
    const prefix = `sweep${++run}:`
    const legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
    cleanups.push(() => legacy.close())
    const signingKey = await testSigningKey()
    const a = await gatewayOn(legacy, prefix, signingKey, abandonAfterMs)
    const b = await gatewayOn(legacy, prefix, signingKey, abandonAfterMs)
    const { jwt } = await newConsumer(a.gateway)
    const onA = await ConsumerClient.open(a.gateway, jwt)
    const { conversationId, chat } = await requestConversation(onA, legacy)
    expect(await onA.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).toMatchObject({ code: 200 })
    chat.accept({ name: 'Natalie', id: 7 })
    expect(await say(onA, conversationId, 'hello from A')).toMatchObject({ code: 200 })
    await chat.waitForVisitorLine('hello from A')
    chat.say('Hello from the agent')
    await onA.change((c) => c.event.message === 'Hello from the agent')
    const killAt = Date.now()
    await a.die()
    await onA.closed
    return { legacy, b, jwt, conversationId, chat, killAt, prefix }
  }

  const firstPollAfter = (legacy: LegacyChatServer, chat: LegacyChat, at: number) =>
    legacy.requests.waitFor((entry) => entry.chatId === chat.id && entry.effectiveMethod === 'GET' && entry.time > at)

  test('a dead gateway’s chat is polled by the other while its consumer stays away, and the consumer finds it there', async () => {
    const { legacy, b, jwt, conversationId, chat, killAt } = await orphanOnA()
    const deadAt = Date.now()
    // Nobody polls now: the agent talks on, and no consumer connects anywhere.
    chat.say('while nobody polls')
    const poll = await firstPollAfter(legacy, chat, deadAt)
    const { periodMs, graceMs } = sweepPace(leaseTtlMs)
    const bound = leaseTtlMs + graceMs + periodMs + pollMs
    expect(poll.time - killAt).toBeLessThanOrEqual(bound + slackMs)

    // Later the consumer comes back, to B: its conversation is there, replayed from 0, each line once.
    const onB = await ConsumerClient.open(b.gateway, jwt)
    cleanups.push(() => onB.close())
    expect(await onB.request('cqm.SubscribeExConversations', { convState: ['OPEN'] })).toMatchObject({ code: 200 })
    const first = await onB.until((f) => f.type === 'cqm.ExConversationChangeNotification')
    expect(((first.body.changes ?? []) as ConversationChange[]).map((c) => c.result.convId)).toEqual([conversationId])
    expect(await onB.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).toMatchObject({ code: 200 })
    await onB.change((c) => c.event.message === 'while nobody polls')
    expect(await say(onB, conversationId, 'back, on B')).toMatchObject({ code: 200 })
    await onB.change((c) => c.event.message === 'back, on B')

    expect(chat.visitorLines().map((line) => String(line['text']))).toEqual(['hello from A', 'back, on B'])
    const sequences = onB.changes().flatMap((c) => (c.sequence === undefined ? [] : [c.sequence]))
    expect(sequences).toEqual(chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id'])))
    expect(chat.endReason).toBeUndefined()
    expect(b.errors).toEqual([])
  })

  test('an adopted chat whose consumer never comes back is ended as the visitor leaving after abandonAfterMs', async () => {
    const abandonAfterMs = 600
    const { legacy, b, chat, prefix } = await orphanOnA(abandonAfterMs)
    const adoptedAt = (await firstPollAfter(legacy, chat, Date.now())).time
    await vi.waitFor(() => expect(chat.endReason).toBeDefined(), { timeout: 10_000, interval: 20 })
    expect(Date.now() - adoptedAt).toBeGreaterThanOrEqual(abandonAfterMs - 50)
    expect(chat.endReason).toBe('visitor')
    // Ended in the store too: out of the open set, so no sweep takes it again once its lease is given up.
    const observer = await RedisConversationStore.connect(redis().url, { prefix, leaseTtlMs })
    cleanups.push(() => observer.close())
    const openSet = `${prefix}open`
    const raw = await createStoreClient(redis().url)
    cleanups.push(() => raw.close())
    await vi.waitFor(async () => expect(await raw.sMembers(openSet)).toEqual([]), { timeout: 10_000, interval: 20 })
    expect(await observer.orphanedConversations(10)).toEqual([])
    expect(b.errors).toEqual([])
  })
})
