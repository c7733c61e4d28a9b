import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Connection } from '../src/connection.js'
import type { ExConversationChange, MessagingEventChange, SequencedEventChange } from '../src/messaging-types.js'
import { fastConfig } from './support/fast-config.js'
import { Recorder } from './support/recorder.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

const text = (message: string) => ({ type: 'ContentEvent', contentType: 'text/plain', message }) as const
const isContent = (change: MessagingEventChange, message: string): boolean =>
  change.event.type === 'ContentEvent' && change.event.message === message
const sequences = (changes: readonly MessagingEventChange[]): number[] =>
  changes.filter((c): c is SequencedEventChange => 'sequence' in c).map((c) => c.sequence)

function connect(format: 'json' | 'xml'): Connection {
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format })
  return new Connection(client, fastConfig, { ownsClient: true })
}

describe.each(['json', 'xml'] as const)('Connection against the legacy chat server (%s)', (format) => {
  test('a whole conversation: waiting, queued line, agent joins, typing, HTML, lines both ways, consumer closes', async () => {
    const connection = connect(format)
    const conversations = new Recorder<ExConversationChange>(connection.conversations$())
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    const chat = await server.nextChat()
    expect(chat.id).toBe(conversationId)
    const events = new Recorder(connection.messagingEvents$(conversationId))
    await conversations.next((c) => c.result.conversationDetails.state === 'OPEN')

    // Messaging allows lines before an agent joins; legacy refuses them: the line waits in a queue.
    const early = connection.publishEvent(conversationId, text('anyone there?'))
    const early2 = connection.publishEvent(conversationId, text('hello?'))
    chat.accept({ name: 'Natalie', id: 7 })
    const [first, second] = await Promise.all([early, early2])
    expect(second.sequence).toBeGreaterThan(first.sequence)
    expect(chat.visitorLines().map((line) => line['text'])).toEqual(['anyone there?', 'hello?'])
    await conversations.next((c) => c.result.conversationDetails.participants.some((p) => p.role === 'ASSIGNED_AGENT' && p.id === '7'))

    chat.typing(true)
    await events.next((c) => c.event.type === 'ChatStateEvent' && c.event.chatState === 'COMPOSING')
    chat.say('<div dir="ltr">Hi, <b>how</b> can I help?<script>alert(1)</script></div>', { html: true })
    const agentLine = await events.next((c) => isContent(c, 'Hi, how can I help?'))
    expect(agentLine).toMatchObject({ originatorMetadata: { id: '7', role: 'ASSIGNED_AGENT' }, metadata: [{ type: 'LegacyHtml' }] })
    await events.next((c) => c.event.type === 'ChatStateEvent' && c.event.chatState === 'ACTIVE')

    await connection.publishEvent(conversationId, { type: 'ChatStateEvent', chatState: 'COMPOSING' })
    await connection.publishEvent(conversationId, { type: 'ChatStateEvent', chatState: 'COMPOSING' })
    expect(chat.visitorTyping).toBe('typing')
    const { sequence } = await connection.publishEvent(conversationId, text('my order is late'))
    const echoed = await events.next((c) => isContent(c, 'my order is late'))
    expect(echoed).toMatchObject({ sequence, originatorMetadata: { role: 'CONSUMER' } })

    await connection.closeConversation(conversationId)
    const closed = await conversations.next((c) => c.result.conversationDetails.state === 'CLOSE')
    expect(closed.result.conversationDetails).toMatchObject({ stage: 'CLOSE', closeReason: 'CONSUMER' })
    await events.done()

    // Exactly once, in order: every legacy event that maps to a message, and nothing else.
    const seqs = sequences(events.values)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(new Set(seqs).size).toBe(seqs.length)
    const expected = chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id']))
    expect(seqs).toEqual(expected)
    const visitorTypingPosts = server.requests.entries.filter((e) => e.chatId === conversationId && e.route === 'visitor-typing')
    expect(visitorTypingPosts).toHaveLength(1)
    await connection.close()
  })

  test('a transfer assigns the new agent; the agent ends the chat; the close reason is AGENT and polling stops', async () => {
    const connection = connect(format)
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    const chat = await server.nextChat()
    const conversations = new Recorder(connection.conversations$())
    chat.accept({ name: 'Natalie', id: 7 })
    await conversations.next((c) => c.result.conversationDetails.participants.some((p) => p.id === '7'))
    chat.transfer({ name: 'Bob', id: 9 })
    const transferred = await conversations.next((c) => c.result.conversationDetails.participants.some((p) => p.id === '9'))
    expect(transferred.result.conversationDetails.participants).toEqual([
      { id: expect.any(String) as string, role: 'CONSUMER' },
      { id: '9', role: 'ASSIGNED_AGENT' },
    ])
    chat.say('bye')
    chat.end()
    const closed = await conversations.next((c) => c.result.conversationDetails.state === 'CLOSE')
    expect(closed.result.conversationDetails.closeReason).toBe('AGENT')
    const state = new Recorder(connection.state$)
    await state.next((s) => s.status === 'closed')
    expect(state.values.at(-1)).toEqual({ status: 'closed', reason: 'ended' })
    // A line after the end is refused, not queued forever.
    await expect(connection.publishEvent(conversationId, text('late'))).rejects.toMatchObject({ code: 'E_NOT_SENT' })
    await connection.close()
  })
})

// One callback for every conversation of a connection, told once of each one's end.
test('onConversationEnd is told once, with the connection\'s consumer, when a chat ends; then once for the one left open when the connection closes', async () => {
  const ends: string[] = []
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
  const connection = new Connection(client, { ...fastConfig, consumerId: 'v-1', keepConversationsAlive: true, onConversationEnd: (id, consumer) => ends.push(`${id} ${consumer ?? '-'}`) }, { ownsClient: true })
  const conversations = new Recorder<ExConversationChange>(connection.conversations$())
  const first = await connection.requestConversation({ skillId: 'Sales' })
  const firstChat = await server.nextChat()
  const second = await connection.requestConversation({ skillId: 'Sales' })
  await server.nextChat()
  await conversations.next((c) => c.result.convId === second.conversationId && c.result.conversationDetails.state === 'OPEN')
  firstChat.accept({ name: 'Natalie', id: 7 })
  firstChat.end()
  await conversations.next((c) => c.result.convId === first.conversationId && c.result.conversationDetails.state === 'CLOSE')
  expect(ends).toEqual([`${first.conversationId} v-1`])
  await connection.close()
  expect(ends).toEqual([`${first.conversationId} v-1`, `${second.conversationId} v-1`])
})
