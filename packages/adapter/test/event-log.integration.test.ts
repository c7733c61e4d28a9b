import { type ChatSession, LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, type LegacyChat, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ChatFeed } from '../src/chat-feed.js'
import { sessionSupplier } from '../src/chat-poller.js'
import { resolveConnectionOptions } from '../src/connection-options.js'
import type { MessagingEventChange } from '../src/messaging-types.js'
import { fastConfig } from './support/fast-config.js'
import { Recorder } from './support/recorder.js'

// The bounded event log: a long chat keeps only the last `eventLogLimit` changes in memory; older
// `fromSeq` subscriptions are replayed from the legacy server and mapped as the live ones were.
let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

const LIMIT = 50
const isContent = (change: MessagingEventChange, message: string): boolean => change.event.type === 'ContentEvent' && change.event.message === message
const sequenced = (changes: readonly MessagingEventChange[]): MessagingEventChange[] => changes.filter((c) => 'sequence' in c)

async function openFeed(format: 'json' | 'xml'): Promise<{ feed: ChatFeed; chat: LegacyChat; client: LegacyChatClient; session: ChatSession }> {
  // The legacy API has no paging: a replay from 0 of 10 000 lines is one document of a few MiB.
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format, maxBodyBytes: 16 * 1024 * 1024 })
  const session = await client.startChat({ skill: 'Sales' })
  const chat = await server.nextChat()
  chat.accept({ name: 'Natalie', id: 7 })
  const feed = new ChatFeed({
    conversationId: session.conversationId,
    supplier: sessionSupplier(session),
    poller: resolveConnectionOptions(fastConfig).poller,
    // The session itself, as a connection's conversation passes it.
    readFrom: session,
    eventLogLimit: LIMIT,
    graceMs: 5,
    now: Date.now,
  })
  return { feed, chat, client, session }
}

describe.each(['json', 'xml'] as const)('the event log of a long chat (%s)', (format) => {
  test('10 000 lines keep the log at its bound; a subscriber from 0 afterwards gets every change once, in order, as the first one did', async () => {
    const { feed, chat, client, session } = await openFeed(format)
    const first = new Recorder(feed.messagingEvents$(0))
    let most = 0
    let n = 0
    for (let batch = 0; batch < 20; batch += 1) {
      // Agent changes and HTML midway: replayed lines must keep the originator they had.
      if (batch === 10) chat.transfer({ name: 'Bob', id: 8 })
      for (let i = 0; i < 500; i += 1, n += 1) {
        if (i === 0) chat.say(`<b>line</b> ${n}`, { html: true })
        else chat.say(`line ${n}`)
      }
      // The visitor's lines, too (a real POST each).
      await session.addLine(`visitor ${batch}`)
      // The visitor's line comes after the batch's agent lines in the log: once it is here, the batch is.
      await first.next((c) => isContent(c, `visitor ${batch}`))
      most = Math.max(most, feed.loggedEvents)
    }
    expect(most).toBe(LIMIT)
    expect(feed.loggedEvents).toBe(LIMIT)

    const late = new Recorder(feed.messagingEvents$(0))
    // The last change of the log (waiting for the last agent line instead raced with the visitor line after it).
    await late.next((c) => isContent(c, 'visitor 19'))
    const expected = sequenced(first.values)
    expect(expected.length).toBeGreaterThanOrEqual(10_000)
    expect(sequenced(late.values)).toEqual(expected)
    expect(expected.filter((c) => c.originatorMetadata.id === '8').length).toBeGreaterThan(0)
    // From the middle, too: replay and kept part join without a gap or a repeat.
    const middle = expected[5000]!
    const fromMiddle = new Recorder(feed.messagingEvents$('sequence' in middle ? middle.sequence : 0))
    await fromMiddle.next((c) => isContent(c, 'visitor 19'))
    expect(sequenced(fromMiddle.values)).toEqual(expected.slice(5000))

    // Live changes still reach the late subscribers.
    chat.say('after the replay')
    await late.next((c) => isContent(c, 'after the replay'))
    await first.next((c) => isContent(c, 'after the replay'))
    first.stop()
    late.stop()
    fromMiddle.stop()
    feed.dispose()
    await client.close()
  }, 120_000)

  test('a replay the server fails errors that subscription with E_REPLAY_FAILED; the chat goes on', async () => {
    const { feed, chat, client } = await openFeed(format)
    const first = new Recorder(feed.messagingEvents$(0))
    for (let i = 0; i < 2 * LIMIT; i += 1) chat.say(`line ${i}`)
    await first.next((c) => isContent(c, `line ${2 * LIMIT - 1}`))
    const fault = server.faults.add({ route: 'chat', method: 'GET', when: (r) => r.chatId === chat.id && r.query.get('from') === '0', times: 1, fault: { kind: 'status', status: 500 } })
    const failing = new Recorder(feed.messagingEvents$(0))
    await expect(failing.done()).rejects.toMatchObject({ name: 'AdapterError', code: 'E_REPLAY_FAILED', message: expect.stringContaining(`conversation ${chat.id}`) })
    expect(fault.hits).toBe(1)
    expect(failing.values).toEqual([])
    chat.say('still going')
    await first.next((c) => isContent(c, 'still going'))
    // A later subscriber's replay works again.
    const again = new Recorder(feed.messagingEvents$(0))
    await again.next((c) => isContent(c, 'still going'))
    expect(sequenced(again.values)).toEqual(sequenced(first.values))
    first.stop()
    again.stop()
    feed.dispose()
    await client.close()
  })
})
