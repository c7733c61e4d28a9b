import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, createManualClock, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { Connection } from '../src/connection.js'
import type { ConnectionOptions } from '../src/connection-options.js'
import type { MessagingEventChange, SequencedEventChange } from '../src/messaging-types.js'
import { fastConfig } from './support/fast-config.js'
import { Recorder } from './support/recorder.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterEach(() => {
  // Fault rules are per test.
  for (const rule of installed.splice(0)) rule.remove()
})
afterAll(async () => {
  await server.close()
})
const installed: { remove(): void }[] = []
const fault = (rule: Parameters<LegacyChatServer['faults']['add']>[0]): void => {
  installed.push(server.faults.add(rule))
}

const text = (message: string) => ({ type: 'ContentEvent', contentType: 'text/plain', message }) as const
const sequences = (changes: readonly MessagingEventChange[]): number[] =>
  changes.filter((c): c is SequencedEventChange => 'sequence' in c).map((c) => c.sequence)

function connect(format: 'json' | 'xml', config: ConnectionOptions = fastConfig, target: LegacyChatServer = server): Connection {
  const client = new LegacyChatClient({ accountRoot: target.accountRoot, appKey: target.appKey, format, requestTimeoutMs: 2000 })
  return new Connection(client, config, { ownsClient: true })
}

describe.each(['json', 'xml'] as const)('failures and resumes (%s)', (format) => {
  test('5xx with Retry-After, resets and a malformed page: backs off, surfaces the decode error, loses and repeats nothing', async () => {
    const connection = connect(format)
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    const chat = await server.nextChat()
    chat.accept({ name: 'Natalie', id: 7 })
    const states = new Recorder(connection.state$)
    const errors = new Recorder(connection.errors$)
    const events = new Recorder(connection.messagingEvents$(conversationId))
    await events.next((c) => c.event.type === 'ContentEvent' && c.event.message.startsWith('You are now chatting'))

    fault({ route: 'chat', method: 'GET', when: (r) => r.chatId === conversationId, times: 1, fault: { kind: 'status', status: 503, retryAfterS: 0 } })
    fault({ route: 'chat', method: 'GET', when: (r) => r.chatId === conversationId, skip: 1, times: 1, fault: { kind: 'reset-before' } })
    fault({ route: 'chat', method: 'GET', when: (r) => r.chatId === conversationId, skip: 2, times: 1, fault: { kind: 'malformed' } })
    // Said while the next three polls fail: it must arrive once, after them.
    chat.say('one')
    const codes = await Promise.all([
      errors.next((e) => (e as { code?: string }).code === 'E_HTTP'),
      errors.next((e) => (e as { code?: string }).code === 'E_NETWORK'),
      errors.next((e) => (e as { code?: string }).code === 'E_DECODE'),
    ])
    expect(codes.map((e) => (e as { code: string }).code)).toEqual(['E_HTTP', 'E_NETWORK', 'E_DECODE'])
    chat.say('two')
    await events.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'two')
    expect(states.values.filter((s) => s.status === 'backing-off')).toHaveLength(3)
    expect(states.values.at(-1)).toEqual({ status: 'live' })
    for (const error of errors.values) expect(JSON.stringify(error) + String(error)).not.toContain(server.appKey)

    chat.end()
    await events.done()
    const seqs = sequences(events.values)
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(seqs).toEqual(chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id'])))
    await connection.close()
  })

  test('a line whose POST was applied but never answered is reconciled, not sent twice', async () => {
    const connection = connect(format)
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    const chat = await server.nextChat()
    chat.accept({ name: 'Natalie', id: 7 })
    const events = new Recorder(connection.messagingEvents$(conversationId))
    fault({ route: 'events', method: 'POST', times: 1, when: (r) => r.chatId === conversationId, fault: { kind: 'reset-after' } })
    const { sequence } = await connection.publishEvent(conversationId, text('only once'))
    expect(chat.visitorLines().map((l) => l['text'])).toEqual(['only once'])
    expect(Number(chat.visitorLines()[0]?.['@id'])).toBe(sequence)
    // Refused before it was applied: sent again, once.
    fault({ route: 'events', method: 'POST', times: 1, when: (r) => r.chatId === conversationId, fault: { kind: 'reset-before' } })
    const again = await connection.publishEvent(conversationId, text('only once'))
    expect(chat.visitorLines().map((l) => l['text'])).toEqual(['only once', 'only once'])
    expect(again.sequence).toBeGreaterThan(sequence)
    await events.next((c) => 'sequence' in c && c.sequence === again.sequence)
    await connection.close()
  })

  test('resume from a sequence in a new connection: nothing lost, nothing repeated', async () => {
    const first = connect(format)
    const { conversationId } = await first.requestConversation({ skillId: 'Sales' })
    const chat = await server.nextChat()
    chat.accept({ name: 'Natalie', id: 7 })
    chat.say('before restart')
    const before = new Recorder(first.messagingEvents$(conversationId))
    const last = await before.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'before restart')
    const lastSeq = (last as SequencedEventChange).sequence
    await first.close()

    chat.say('while away 1')
    chat.say('while away 2')
    const second = connect(format)
    const after = new Recorder(second.messagingEvents$(conversationId, { fromSeq: lastSeq + 1 }))
    await after.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'while away 2')
    chat.say('after restart')
    chat.end()
    await after.done()
    const seen = [...sequences(before.values.filter((c) => 'sequence' in c && c.sequence <= lastSeq)), ...sequences(after.values)]
    expect(seen).toEqual(chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id'])))
    expect(sequences(after.values)[0]).toBeGreaterThan(lastSeq)
    await second.close()
  })

  test('other 4xx are not retried: polling stops with a typed error after one refused request', async () => {
    const connection = connect(format)
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    expect((await server.nextChat()).id).toBe(conversationId)
    fault({ route: 'chat', method: 'GET', when: (r) => r.chatId === conversationId, fault: { kind: 'status', status: 403, message: 'Forbidden' } })
    const events = new Recorder(connection.messagingEvents$(conversationId))
    await expect(events.done()).rejects.toMatchObject({ code: 'E_POLL_FAILED', cause: { status: 403 } })
    const refused = server.requests.entries.filter((e) => e.chatId === conversationId && e.route === 'chat' && e.status === 403)
    expect(refused).toHaveLength(1)
    await connection.close()
  })

  test('a chat that is gone closes the conversation with a clear reason', async () => {
    const connection = connect(format)
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    const chat = await server.nextChat()
    expect(chat.id).toBe(conversationId)
    const conversations = new Recorder(connection.conversations$())
    const states = new Recorder(connection.state$)
    await conversations.next((c) => c.result.conversationDetails.state === 'OPEN')
    server.drop(chat.id)
    const closed = await conversations.next((c) => c.result.conversationDetails.state === 'CLOSE')
    expect(closed.result.conversationDetails.closeReason).toBe('SYSTEM')
    const state = await states.next((s) => s.status === 'closed')
    expect(state).toMatchObject({ status: 'closed', reason: 'chat-gone', error: { code: 'E_CHAT_GONE' } })
    await connection.close()
  })
})

describe('liveness', () => {
  test.each(['json', 'xml'] as const)('a chat that times out on the server closes the conversation (SYSTEM) (%s)', async (format) => {
    const clock = createManualClock()
    const manual = await startLegacyChatServer({ clock, dropEndedChatsAfterMs: null })
    try {
      const connection = connect(format, fastConfig, manual)
      const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
      const chat = await manual.nextChat()
      const conversations = new Recorder(connection.conversations$())
      await conversations.next((c) => c.result.conversationDetails.state === 'OPEN')
      // Past chatTimeout on the server's clock: the next poll finds the chat ended by timeout.
      clock.advance(chat.chatTimeoutS * 1000 + 1)
      const closed = await conversations.next((c) => c.result.conversationDetails.state === 'CLOSE')
      expect(closed.result.conversationDetails.closeReason).toBe('SYSTEM')
      expect(chat.endReason).toBe('timeout')
      expect(conversationId).toBe(chat.id)
      await connection.close()
    } finally {
      await manual.close()
    }
  })

  test('the poller keeps a waiting chat alive even when configured slower than chatTimeout allows', async () => {
    // Nobody subscribes: keepConversationsAlive alone keeps it polled.
    const connection = connect('json', { ...fastConfig, waitingIntervalMs: 60_000, minKeepAliveMs: 50, interactionTimeoutS: 1, keepConversationsAlive: true })
    await connection.requestConversation({ skillId: 'Sales' })
    const chat = await server.nextChat()
    expect(chat.chatTimeoutS).toBe(1)
    // Polls at most every 333 ms (a third of 1 s): 5 polls span more than the timeout.
    await chat.waitForPolls(5)
    expect(chat.state).toBe('waiting')
    await connection.close()
  })
})
