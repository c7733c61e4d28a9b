/**
 * A conversation carried across two restarts on one store: lines queued while the chat waits, a
 * line whose POST reached the server as the connection died, and a third connection that finishes
 * it. Shared by the in-memory store's test and the Redis store's.
 */
import { LegacyChatClient } from '@chatbridge/core'
import type { LegacyChatServer } from '@chatbridge/testing'
import { expect } from 'vitest'
import { AdapterError, Connection, type ConversationStore, type MessagingEventChange, type SequencedEventChange } from '../../src/index.js'
import { fastConfig } from './fast-config.js'
import { Recorder } from './recorder.js'

const text = (message: string) => ({ type: 'ContentEvent', contentType: 'text/plain', message }) as const
const sequenced = (changes: readonly MessagingEventChange[]): SequencedEventChange[] => changes.filter((c): c is SequencedEventChange => 'sequence' in c)

/** Runs the scenario; `store()` gives each connection its store (one shared store, or a new client on the same data). */
export async function runRestartScenario(server: LegacyChatServer, store: () => ConversationStore | Promise<ConversationStore>): Promise<void> {
  const connect = async (): Promise<Connection> =>
    new Connection(new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey }), { ...fastConfig, store: await store(), consumerId: 'alice' }, { ownsClient: true })

  // 1. Lines queued while the chat waits for an agent; the connection goes away.
  const first = await connect()
  const { conversationId } = await first.requestConversation({ skillId: 'Sales' })
  const chat = server.chat(conversationId)
  if (chat === undefined) throw new Error('no chat')
  const queued = [first.publishEvent(conversationId, text('anyone there?')), first.publishEvent(conversationId, text('hello?'))].map((p) => p.catch((e: unknown) => e))
  const seen = await store()
  await expect.poll(async () => (await seen.loadConversation(conversationId))?.outbound.lines.map((l) => l.status)).toEqual(['queued', 'queued'])
  await first.close()
  for (const outcome of await Promise.all(queued)) expect(outcome).toMatchObject({ code: 'E_CLOSED' })
  expect(chat.visitorLines()).toEqual([])

  // 2. A new connection continues: the queued lines go out once an agent joins. A line's POST
  // reaches the server as this connection dies: applied, and its answer never read.
  const second = await connect()
  const during = new Recorder(second.messagingEvents$(conversationId))
  chat.accept({ name: 'Natalie', id: 7 })
  await expect.poll(() => chat.visitorLines().map((l) => l['text'])).toEqual(['anyone there?', 'hello?'])
  const dying = server.faults.add({
    route: 'events',
    method: 'POST',
    when: (request) => {
      const hit = JSON.stringify(request.body).includes('my order is late')
      if (hit) void second.close()
      return hit
    },
    times: 1,
    fault: { kind: 'reset-after' },
  })
  const unknown = await second.publishEvent(conversationId, text('my order is late')).catch((e: unknown) => e)
  expect(unknown).toBeInstanceOf(AdapterError)
  expect(dying.hits).toBe(1)
  during.stop()
  await expect.poll(async () => (await seen.loadConversation(conversationId))?.outbound.lines.map((l) => l.status)).toEqual(['applied', 'applied', 'sending'])

  // 3. A third connection settles the open line against the log (not sent again) and goes on.
  const third = await connect()
  const after = new Recorder(third.messagingEvents$(conversationId))
  const { sequence } = await third.publishEvent(conversationId, text('thanks'))
  await after.next((c) => 'sequence' in c && c.sequence === sequence)
  chat.say('You are welcome')
  await after.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'You are welcome')
  chat.end()
  await after.done()
  expect(chat.visitorLines().map((l) => l['text'])).toEqual(['anyone there?', 'hello?', 'my order is late', 'thanks'])
  const posts = server.requests.entries.filter((e) => e.route === 'events' && e.effectiveMethod === 'POST' && e.chatId === conversationId)
  expect(posts).toHaveLength(4)
  const record = (await seen.loadConversation(conversationId))?.outbound
  expect(record?.lines.map((l) => (l.status === 'applied' ? l.sequence : l.status))).toEqual(chat.visitorLines().map((l) => Number(l['@id'])))
  await third.close()

  // Every notification equals the legacy log, as a fresh reader sees it.
  const reference = new Connection(new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey }), { ...fastConfig, consumerId: 'alice' }, { ownsClient: true })
  const replay = new Recorder(reference.messagingEvents$(conversationId))
  await replay.done()
  await reference.close()
  expect(sequenced(after.values)).toEqual(sequenced(replay.values))
  expect(sequenced(replay.values).length).toBeGreaterThan(5)
}
