import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Connection } from '../../src/connection.js'
import type { ConnectionOptions } from '../../src/connection-options.js'
import type { MessagingEventChange } from '../../src/messaging-types.js'
import { Recorder } from '../support/recorder.js'
import { compareWithLog, loggedMessages, sequenced, soak, within } from './support.js'

/*
 * Load: waves of concurrent conversations (one Connection each, as one Messaging socket per
 * consumer) on one shared client against one testing server with faults switched on. Every
 * conversation's notifications must equal its server log; no unhandled rejection; the heap after
 * the last wave is about what it was after the first (nothing kept per finished conversation).
 */

const CONCURRENT = Number(process.env['CHATBRIDGE_LOAD'] ?? (soak ? 3000 : 1000))
const WAVES = soak ? 5 : 3

const config: ConnectionOptions = {
  chattingIntervalMs: 300,
  waitingIntervalMs: 300,
  backoffBaseMs: 50,
  backoffMaxMs: 300,
  lastSubscriberGraceMs: 5,
  reconcileWindowMs: 300,
  maxCommandAttempts: 20,
}

let server: LegacyChatServer
let client: LegacyChatClient
const unhandled: unknown[] = []
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason)
}
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null, logLimit: 2000 })
  client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, connections: 64, requestTimeoutMs: 10_000 })
  process.on('unhandledRejection', onUnhandled)
})
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled)
  await client.close()
  await server.close()
})

function forceGc(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

async function conversation(): Promise<{ readonly messages: number; readonly lost: number; readonly duplicated: number; readonly problems: string[] }> {
  const connection = new Connection(client, config)
  try {
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    const chat = server.chat(conversationId)
    if (chat === undefined) throw new Error(`no chat ${conversationId}`)
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    chat.accept({ name: 'Natalie', id: 7 })
    chat.say('hello')
    const { sequence } = await connection.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: 'hi there' })
    chat.say('bye', { html: true })
    chat.end()
    await events.done()
    const log = loggedMessages(chat)
    const result = compareWithLog(sequenced(events.values), log)
    const lines = chat.visitorLines()
    const problems = [...result.problems]
    if (lines.length !== 1 || Number(lines[0]?.['@id']) !== sequence) problems.push(`visitor lines ${JSON.stringify(lines.map((l) => l['@id']))}, resolved ${sequence}`)
    server.drop(conversationId)
    return { messages: log.length, lost: result.lost, duplicated: result.duplicated + Math.max(0, lines.length - 1), problems }
  } finally {
    await connection.close()
  }
}

test(
  `${WAVES} waves of ${CONCURRENT} concurrent conversations with faults: no loss, no unhandled rejection, flat heap`,
  async () => {
    const seed = Number(process.env['CHATBRIDGE_SEED'] ?? Date.now() % 1_000_000)
    const rules = [
      server.faults.add({ route: 'chat', method: 'GET', probability: 0.02, seed, fault: { kind: 'status', status: 503 } }),
      server.faults.add({ route: 'chat', method: 'GET', probability: 0.01, seed: seed + 1, fault: { kind: 'reset-after' } }),
      server.faults.add({ route: 'chat', method: 'GET', probability: 0.01, seed: seed + 2, fault: { kind: 'malformed' } }),
      server.faults.add({ route: 'events', method: 'POST', probability: 0.03, seed: seed + 3, fault: { kind: 'reset-after' } }),
      server.faults.add({ route: 'events', method: 'POST', probability: 0.03, seed: seed + 4, fault: { kind: 'status', status: 502 } }),
      server.faults.add({ route: 'chat', method: 'GET', probability: 0.02, seed: seed + 5, fault: { kind: 'latency', ms: 50 } }),
    ]
    const totals = { conversations: 0, messages: 0, lost: 0, duplicated: 0 }
    const heaps: number[] = []
    const started = Date.now()
    try {
      for (let wave = 0; wave < WAVES; wave += 1) {
        const results = await within(Promise.all(Array.from({ length: CONCURRENT }, () => conversation())), 90_000, `wave ${wave} (seed ${seed})`)
        const problems = results.flatMap((r) => r.problems)
        expect(problems, `seed ${seed}`).toEqual([])
        for (const r of results) {
          totals.conversations += 1
          totals.messages += r.messages
          totals.lost += r.lost
          totals.duplicated += r.duplicated
        }
        forceGc()
        heaps.push(process.memoryUsage().heapUsed)
      }
    } finally {
      for (const rule of rules) rule.remove()
    }
    const faults = rules.reduce((n, rule) => n + rule.hits, 0)
    const mb = heaps.map((h) => Math.round(h / 1e5) / 10)
    console.info(`load: ${JSON.stringify({ ...totals, faults, seed, seconds: (Date.now() - started) / 1000, heapMbAfterEachWave: mb })}`)
    expect(totals.lost + totals.duplicated).toBe(0)
    expect(unhandled).toEqual([])
    // Flat: the last wave leaves no more than a little noise over the first.
    const first = heaps[0] ?? 0
    expect((heaps.at(-1) ?? 0) - first).toBeLessThan(Math.max(16e6, first * 0.2))
  },
  soak ? 1_800_000 : 180_000,
)
