// Redis stops under a running gateway: the chats are polled on, /readyz says not ready, the operator
// hears of it once, and once Redis is back a line sent meanwhile is posted once and its status stored.
import { RedisConversationStore } from '@chatbridge/redis'
import { startLegacyChatServer } from '@chatbridge/testing'
import { afterEach, expect, test, vi } from 'vitest'
import { describeWithRedis } from '../../../redis/test/support/redis-suite.js'
import { startGateway } from '../../src/index.js'
import { ConsumerClient, fastPacing, newConsumer, requestConversation, say } from '../support/consumer-client.js'
import { accountId } from '../support/gateway-client.js'

vi.setConfig({ testTimeout: 40_000 })
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
let run = 0

async function readyStatus(url: string): Promise<number> {
  return (await fetch(`${url}/readyz`)).status
}

describeWithRedis(
  'a Redis outage under a gateway',
  (redis) => {
    test.each(['json', 'xml'] as const)('polling goes on, one log line, /readyz 503 then 200, and a line sent meanwhile converges (%s)', async (format) => {
      const prefix = `outage${++run}:`
      const legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
      cleanups.push(() => legacy.close())
      const store = await RedisConversationStore.connect(redis().url, { prefix, leaseTtlMs: 2_000 })
      cleanups.push(() => store.close())
      const errors: Error[] = []
      const gateway = await startGateway({
        accountId,
        legacy: { accountRoot: legacy.accountRoot, appKey: legacy.appKey, format, connection: fastPacing },
        store,
        onError: (error) => errors.push(error),
      })
      cleanups.push(() => gateway.close())
      const { jwt } = await newConsumer(gateway)
      const client = await ConsumerClient.open(gateway, jwt)
      cleanups.push(() => client.close())
      const { conversationId, chat } = await requestConversation(client, legacy)
      chat.accept({ name: 'Natalie', id: 7 })
      expect(await say(client, conversationId, 'before the outage')).toMatchObject({ code: 200 })
      expect(await readyStatus(gateway.url)).toBe(200)

      await redis().stop()
      let restarted = false
      cleanups.push(async () => {
        if (!restarted) await redis().start()
      })
      await vi.waitFor(() => expect(store.available).toBe(false), { timeout: 5_000, interval: 10 })
      expect(await readyStatus(gateway.url)).toBe(503)
      // Several polls of the chat while Redis is away, as the legacy server saw them.
      const mark = legacy.requests.entries.at(-1)?.seq ?? 0
      const polls = (): number => legacy.requests.entries.filter((e) => e.seq > mark && e.route === 'chat' && e.method === 'GET' && e.chatId === conversationId).length
      await legacy.requests.waitFor(() => polls() >= 5)
      const during = say(client, conversationId, 'during the outage')
      await legacy.requests.waitFor(() => polls() >= 10)
      expect(await readyStatus(gateway.url)).toBe(503)
      await redis().start()
      restarted = true
      expect(await during).toMatchObject({ code: 200 })
      await vi.waitFor(async () => expect(await readyStatus(gateway.url)).toBe(200), { timeout: 10_000, interval: 50 })
      await vi.waitFor(async () => {
        const stored = await store.loadConversation(conversationId)
        expect(stored?.outbound.lines.map((line) => [line.text, line.status])).toEqual([
          ['before the outage', 'applied'],
          ['during the outage', 'applied'],
        ])
      }, { timeout: 10_000, interval: 50 })

      expect(chat.visitorLines().map((line) => String(line['text']))).toEqual(['before the outage', 'during the outage'])
      expect(chat.state).not.toBe('ended')
      expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['E_REDIS_UNAVAILABLE'])
    })
  },
  { appendOnly: true },
)
