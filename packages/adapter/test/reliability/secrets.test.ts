import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inspect } from 'node:util'
import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, fixtureNames, journeyFixtureNames, recordFixture, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { Connection } from '../../src/connection.js'
import { createMessagingSocket } from '../../src/messaging-socket.js'
import { Recorder } from '../support/recorder.js'
import { within } from './support.js'

/*
 * One sweep for the app key: it must appear in no error (message, stack, cause chain, any field),
 * no log line, no socket frame, no request log, no recorded fixture, and no benchmark output (the
 * CLI's output is swept in `packages/cli/test/secrets.test.ts`).
 */

const KEY = 'sweep0a1b2c3d4e5f60718293a4b5c6d7'
const root = fileURLToPath(new URL('../../../../', import.meta.url))

/** Everything reachable from `value`, as text: JSON, `inspect` with hidden fields, and each error's message and stack down its causes. */
function everything(value: unknown): string {
  const parts = [inspect(value, { depth: 12, showHidden: true, getters: true, maxArrayLength: null, maxStringLength: null })]
  try {
    parts.push(JSON.stringify(value) ?? '')
  } catch {
    // cyclic: inspect above saw it all
  }
  for (let current: unknown = value, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth += 1) {
    parts.push(String(current), current.stack ?? '')
  }
  return parts.join('\n')
}

const leaks = (texts: readonly string[]): string[] => texts.filter((t) => t.includes(KEY)).map((t) => t.slice(Math.max(0, t.indexOf(KEY) - 200), t.indexOf(KEY) + 50))

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ appKey: KEY, dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

describe('the app key appears nowhere', () => {
  test('errors, state, log lines, request log and socket frames of a conversation that meets every fault', async () => {
    const written: string[] = []
    const spies = [
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void written.push(args.map(everything).join(' '))),
      vi.spyOn(console, 'info').mockImplementation((...args: unknown[]) => void written.push(args.map(everything).join(' '))),
      vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void written.push(args.map(everything).join(' '))),
      vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void written.push(args.map(everything).join(' '))),
      vi.spyOn(console, 'debug').mockImplementation((...args: unknown[]) => void written.push(args.map(everything).join(' '))),
    ]
    const seen: unknown[] = []
    try {
      // The reactive face.
      const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: KEY, requestTimeoutMs: 100, allowedOrigins: ['http://127.0.0.2:9'] })
      const connection = new Connection(client, { chattingIntervalMs: 5, waitingIntervalMs: 5, backoffBaseMs: 5, backoffMaxMs: 20, reconcileWindowMs: 20, maxCommandAttempts: 2 }, { ownsClient: true })
      const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
      const chat = server.chat(conversationId)
      if (chat === undefined) throw new Error('no chat')
      const errors = new Recorder<unknown>(connection.errors$)
      const states = new Recorder<unknown>(connection.state$)
      const events = new Recorder<unknown>(connection.messagingEvents$(conversationId))
      const kinds = [
        { kind: 'status', status: 503, retryAfterS: 0 },
        { kind: 'status', status: 429, retryAfterS: 0 },
        { kind: 'reset-before' },
        { kind: 'reset-after' },
        { kind: 'truncate' },
        { kind: 'malformed' },
        { kind: 'content-type', value: 'text/html' },
        { kind: 'oversize', bytes: 2_000_000 },
        { kind: 'latency', ms: 150 },
      ] as const
      const rules = kinds.map((fault, i) => server.faults.add({ route: 'chat', method: 'GET', skip: i, times: 1, when: (r) => r.chatId === conversationId, fault }))
      chat.accept({ name: 'Natalie', id: 7 })
      await within(server.requests.waitFor(() => rules.every((rule) => rule.hits === 1)), 10_000, 'every fault applied')
      await within(errors.next(() => errors.values.length >= 6), 10_000, 'the faults reported')
      // Commands that fail: refused lines, typing on an ended chat, a foreign chat URI, a closed connection.
      server.faults.add({ route: 'events', method: 'POST', times: 2, when: (r) => r.chatId === conversationId, fault: { kind: 'status', status: 400, internalCode: 9, message: 'refused' } })
      seen.push(await connection.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: 'x' }).catch((e: unknown) => e))
      seen.push(await Promise.resolve().then(() => connection.messagingEvents$('http://127.0.0.2:9/api/account/12345678/chat/elsewhere')).catch((e: unknown) => e))
      seen.push(await client.attach(`${server.accountRoot}/chat/${conversationId}`).followNext(new URL('http://127.0.0.3:9/steal')).catch((e: unknown) => e))
      seen.push(await client.attach(`${server.accountRoot}/chat/nope`).snapshot().catch((e: unknown) => e))
      chat.end()
      await within(events.done().catch(() => undefined), 5000, 'the stream ending')
      seen.push(await connection.publishEvent(conversationId, { type: 'ChatStateEvent', chatState: 'COMPOSING' }).catch((e: unknown) => e))
      // A 403 stops polling: E_POLL_FAILED carrying core's error.
      const second = await connection.requestConversation()
      server.faults.add({ route: 'chat', when: (r) => r.chatId === second.conversationId, fault: { kind: 'status', status: 403 } })
      seen.push(await new Recorder(connection.messagingEvents$(second.conversationId)).done().catch((e: unknown) => e))
      await connection.close()
      seen.push(await connection.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: 'y' }).catch((e: unknown) => e))
      expect(seen.filter((e) => e instanceof Error).length).toBeGreaterThanOrEqual(5)

      // The socket face: its frames, error responses included.
      const socket = createMessagingSocket({ accountRoot: server.accountRoot, appKey: KEY, chattingIntervalMs: 5, waitingIntervalMs: 5, backoffBaseMs: 5, backoffMaxMs: 20 })
      const frames: string[] = []
      socket.on('message', (text) => frames.push(text))
      socket.on('error', (error) => seen.push(error))
      await new Promise<void>((resolve) => socket.on('open', () => resolve()))
      const request = (id: number, type: string, body: unknown): Promise<void> => {
        socket.send(JSON.stringify({ kind: 'req', id, type, body }))
        return within(
          new Promise<void>((resolve) => {
            const check = (): void => {
              if (frames.some((f) => (JSON.parse(f) as { reqId?: unknown }).reqId === id)) resolve()
              else setImmediate(check)
            }
            check()
          }),
          5000,
          `the answer to ${type}`,
        )
      }
      await request(1, 'cm.ConsumerRequestConversation', { skillId: 'Sales' })
      const convId = (JSON.parse(frames.find((f) => f.includes('"reqId":1')) ?? '{}') as { body?: { conversationId?: string } }).body?.conversationId ?? ''
      server.faults.add({ route: 'events', method: 'POST', when: (r) => r.chatId === convId, fault: { kind: 'status', status: 401, message: 'Bad captcha', internalCode: 10 } })
      await request(2, 'ms.SubscribeMessagingEvents', { dialogId: convId, fromSeq: 0 })
      server.chat(convId)?.accept({ name: 'Natalie', id: 7 })
      await request(3, 'ms.PublishEvent', { dialogId: convId, event: { type: 'ContentEvent', contentType: 'text/plain', message: 'refused' } })
      await request(4, 'ms.SubscribeMessagingEvents', { dialogId: 'http://127.0.0.2:9/api/account/1/chat/x', fromSeq: 0 })
      await request(5, 'nonsense.Type', {})
      socket.close()
      expect(frames.some((f) => /"code":(4|5)\d\d/.test(f))).toBe(true)

      // Objects a user might log whole.
      const texts = [...errors.values, ...states.values, ...seen, client, connection, socket].map(everything)
      expect(leaks(texts)).toEqual([])
      expect(leaks(frames)).toEqual([])
      expect(leaks(written)).toEqual([])
      expect(leaks([everything(server.requests.entries)])).toEqual([])
      // The request log did see the key (redacted), so the sweep is looking at the right thing.
      expect(server.requests.entries.some((e) => (e.headers['authorization'] ?? '').includes('<redacted>'))).toBe(true)
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
  }, 30_000)

  test('recorded fixtures, committed and freshly recorded, hold no app key', async () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name)
        return statSync(path).isDirectory() ? files(path) : [path]
      })
    const committed = [...files(join(root, 'packages/testing/fixtures')), ...files(join(root, 'packages/core/test/fixtures'))]
    expect(committed.length).toBeGreaterThan(10)
    // The key they were recorded with, and any key-shaped value after `appKey=` or `appKey":`.
    const recordingKey = 'f0e1d2c3b4a5968778695a4b3c2d1e0f'
    for (const path of committed) {
      const text = readFileSync(path, 'utf8')
      expect(text, path).not.toContain(recordingKey)
      expect(text.match(/appKey[=":\s]+(?!<redacted>|%3Credacted%3E)[^\s"&<,}]{8,}/gi) ?? [], path).toEqual([])
      // An authenticated visitor's ssoKey, and anything shaped like a JWT, never reach a fixture.
      expect(text.match(/"ssoKey":\s*"(?!scrubbed-sso-key")[^"]*"/g) ?? [], path).toEqual([])
      expect(text.match(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g) ?? [], path).toEqual([])
    }
    for (const name of [...fixtureNames, ...journeyFixtureNames]) {
      for (const format of ['json', 'xml'] as const) expect(JSON.stringify(await recordFixture(name, format))).not.toContain(recordingKey)
    }
  }, 60_000)

  test('benchmark output holds no app key', () => {
    const benchKeys = ['bench-key', 'bench-app-key-0123456789abcdef']
    const outputs = ['bench/results.json', 'bench/README.md'].map((p) => join(root, p)).filter((p) => statSync(p, { throwIfNoEntry: false }) !== undefined)
    expect(outputs.length).toBeGreaterThan(0)
    for (const path of outputs) {
      const text = readFileSync(path, 'utf8')
      for (const key of benchKeys) expect(text, path).not.toContain(key)
      expect(text.match(/appKey[=":\s]+(?!<redacted>)[^\s"&<,}]{8,}/gi) ?? [], path).toEqual([])
    }
  })
})
