import { LegacyChatClient } from '@chatbridge/core'
import { type Fault, type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Connection } from '../../src/connection.js'
import { reliabilityConfig, requestTimeoutMs, within } from './support.js'

/*
 * Each fault on a line's POST, alone and deterministic: the line lands exactly once and its
 * publish resolves with that event's sequence. (The fault schedules found the oversized answer:
 * the line was applied, the answer refused as too large, and the line was sent a second time.)
 */

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

const faults: readonly [string, Fault][] = [
  ['an answer over the size limit', { kind: 'oversize', bytes: 1_100_000 }],
  ['an answer of the wrong content type', { kind: 'content-type', value: 'text/html' }],
  ['a malformed answer', { kind: 'malformed' }],
  ['a truncated answer', { kind: 'truncate' }],
  ['a reset after applying', { kind: 'reset-after' }],
  ['a reset before applying', { kind: 'reset-before' }],
  ['a timeout applied late', { kind: 'latency', ms: requestTimeoutMs + 20 }],
  ['a 500 (not applied)', { kind: 'status', status: 500 }],
  ['a 429 (not applied)', { kind: 'status', status: 429, retryAfterS: 0 }],
]

describe.each(['json', 'xml'] as const)('a line meeting one fault lands once (%s)', (format) => {
  test.each(faults)('%s', async (_, fault) => {
    const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format, requestTimeoutMs })
    const connection = new Connection(client, reliabilityConfig, { ownsClient: true })
    try {
      const { conversationId } = await connection.requestConversation()
      const chat = server.chat(conversationId)
      if (chat === undefined) throw new Error('no chat')
      chat.accept({ name: 'Natalie', id: 7 })
      const rule = server.faults.add({ route: 'events', method: 'POST', times: 1, when: (r) => r.chatId === conversationId, fault })
      const { sequence } = await within(
        connection.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: 'once' }),
        5000,
        'the line resolving',
      )
      expect(rule.hits).toBe(1)
      expect(chat.visitorLines().map((l) => [Number(l['@id']), l['text']])).toEqual([[sequence, 'once']])
    } finally {
      await connection.close()
    }
  })
})
