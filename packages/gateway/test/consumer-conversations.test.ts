// Conversations belong to consumers: reconnects, second tabs, one open conversation, isolation, abandon, faults.
import type { LegacyChat } from '@chatbridge/testing'
import { afterEach, expect, test } from 'vitest'
import { ConsumerClient, chatReaches, newConsumer, requestConversation, say, startStack } from './support/consumer-client.js'
import type { ConversationChange, Frame, Stack } from './support/consumer-client.js'

let stack: Stack | undefined
afterEach(async () => {
  await stack?.close()
  stack = undefined
})

/** The chat's event ids that carry a sequence (every event but state changes), in order. */
function sequencesOf(chat: LegacyChat): number[] {
  return chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id']))
}

function sequencesSeen(client: ConsumerClient): number[] {
  return client.changes().flatMap((c) => (c.sequence === undefined ? [] : [c.sequence]))
}

function changesOf(frame: Frame): ConversationChange[] {
  return (frame.body.changes ?? []) as ConversationChange[]
}

function chatRequests(stack: Stack): number {
  return stack.legacy.requests.entries.filter((e) => e.route === 'chat-request').length
}

test('a socket killed mid-conversation: a new one with the same token sees the OPEN conversation and continues from fromSeq, nothing lost or repeated', async () => {
  stack = await startStack()
  const { legacy, gateway } = stack
  const { jwt } = await newConsumer(gateway)
  const first = await ConsumerClient.open(gateway, jwt)
  const { conversationId, chat } = await requestConversation(first, legacy)
  await first.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })
  chat.accept({ name: 'Natalie', id: 7 })
  expect(await say(first, conversationId, 'my parcel is late')).toMatchObject({ code: 200 })
  chat.say('Let me check.')
  await first.change((c) => c.event.message === 'Let me check.')

  first.ws.terminate()
  await first.closed
  // While no socket is connected the chat goes on, and the gateway keeps reading it.
  chat.say('Found it: it ships today.')
  const polls = chat.polls
  await chat.waitForPolls(polls + 3)

  const second = await ConsumerClient.open(gateway, jwt)
  await second.request('cqm.SubscribeExConversations', { convState: ['OPEN'] })
  const listed = await second.until((f) => f.type === 'cqm.ExConversationChangeNotification')
  expect(changesOf(listed).map((c) => [c.result.convId, c.result.conversationDetails.state])).toEqual([[conversationId, 'OPEN']])

  const lastSeen = Math.max(...sequencesSeen(first))
  await second.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: lastSeen + 1 })
  await second.change((c) => c.event.message === 'Found it: it ships today.')
  expect(await say(second, conversationId, 'great, thanks')).toMatchObject({ code: 200 })
  await second.change((c) => c.event.message === 'great, thanks')
  chat.say('You are welcome.')
  await second.change((c) => c.event.message === 'You are welcome.')

  expect([...sequencesSeen(first), ...sequencesSeen(second)]).toEqual(sequencesOf(chat))
  expect(chat.visitorLines().map((line) => line['text'])).toEqual(['my parcel is late', 'great, thanks'])
  expect(chatRequests(stack)).toBe(1)
  await second.close()
})

test("a second tab receives the consumer's notifications too", async () => {
  stack = await startStack()
  const { legacy, gateway } = stack
  const { jwt } = await newConsumer(gateway)
  const tab1 = await ConsumerClient.open(gateway, jwt)
  const tab2 = await ConsumerClient.open(gateway, jwt)
  await tab1.request('cqm.SubscribeExConversations', {})
  await tab2.request('cqm.SubscribeExConversations', {})
  const { conversationId, chat } = await requestConversation(tab1, legacy)
  // The conversation tab 1 started shows on tab 2's subscription.
  await tab2.until((f) => changesOf(f).some((c) => c.result.convId === conversationId))
  for (const tab of [tab1, tab2]) await tab.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })
  chat.accept({ name: 'Natalie', id: 7 })
  await say(tab2, conversationId, 'from tab two')
  chat.say('Hello both of you')
  for (const tab of [tab1, tab2]) {
    await tab.change((c) => c.event.message === 'Hello both of you')
    expect(tab.changes().filter((c) => c.event.message === 'from tab two')).toHaveLength(1)
    expect(sequencesSeen(tab)).toEqual(sequencesOf(chat))
  }
  await tab1.close()
  await tab2.close()
})

test('a second request while one is open gets 409 naming it, and two tabs racing start one legacy chat', async () => {
  stack = await startStack()
  const { legacy, gateway } = stack
  const { jwt } = await newConsumer(gateway)
  const tab1 = await ConsumerClient.open(gateway, jwt)
  const tab2 = await ConsumerClient.open(gateway, jwt)
  const answers = await Promise.all([
    tab1.request('cm.ConsumerRequestConversation', { skillId: 'Sales' }),
    tab2.request('cm.ConsumerRequestConversation', { skillId: 'Sales' }),
  ])
  const accepted = answers.find((a) => a.code === 200)
  const refused = answers.find((a) => a.code === 409)
  expect(accepted?.body.conversationId).toEqual(expect.any(String))
  expect(refused?.body).toMatchObject({ conversationId: accepted?.body.conversationId })
  expect(await tab1.request('cm.ConsumerRequestConversation', { skillId: 'Sales' })).toMatchObject({
    code: 409,
    body: { conversationId: accepted?.body.conversationId },
  })
  expect(chatRequests(stack)).toBe(1)
  expect(legacy.chats()).toHaveLength(1)

  // Once it is closed, a new one may start.
  const chat = legacy.chats()[0]!
  chat.accept({ name: 'Natalie', id: 7 })
  chat.end()
  await tab1.request('cqm.SubscribeExConversations', {})
  await tab1.until((f) => changesOf(f).some((c) => c.result.conversationDetails.state === 'CLOSE'))
  const next = await requestConversation(tab1, legacy)
  expect(next.conversationId).not.toBe(accepted?.body.conversationId)
  await tab1.close()
  await tab2.close()
})

test("closed by the consumer, a conversation is not open any more, before a poll reads the end", async () => {
  // Polls far apart: only the close's own answer can tell the registry the conversation ended.
  stack = await startStack({ connection: { chattingIntervalMs: 30_000, waitingIntervalMs: 30_000, minKeepAliveMs: 30_000, defaultChatTimeoutS: 300 } })
  const { legacy, gateway } = stack
  const client = await ConsumerClient.open(gateway, (await newConsumer(gateway)).jwt)
  const first = await requestConversation(client, legacy)
  const closing = await client.request('cm.UpdateConversationField', {
    conversationId: first.conversationId,
    conversationField: [{ field: 'ConversationStateField', conversationState: 'CLOSE' }],
  })
  expect(closing).toMatchObject({ code: 200 })
  expect(first.chat.state).toBe('ended')
  const second = await requestConversation(client, legacy)
  expect(second.conversationId).not.toBe(first.conversationId)
  expect(chatRequests(stack)).toBe(2)
  await client.close()
})

test("two consumers are isolated: another consumer's conversation answers as an unknown id", async () => {
  stack = await startStack()
  const { legacy, gateway } = stack
  const a = await ConsumerClient.open(gateway, (await newConsumer(gateway)).jwt)
  const b = await ConsumerClient.open(gateway, (await newConsumer(gateway)).jwt)
  const { conversationId, chat } = await requestConversation(a, legacy)
  chat.accept({ name: 'Natalie', id: 7 })

  const unknown = 'no-such-conversation'
  const attempts = (id: string): [string, object][] => [
    ['ms.SubscribeMessagingEvents', { dialogId: id, fromSeq: 0 }],
    ['ms.PublishEvent', { dialogId: id, event: { type: 'ContentEvent', contentType: 'text/plain', message: 'intruder' } }],
    ['cm.UpdateConversationField', { conversationId: id, conversationField: [{ field: 'ConversationStateField', conversationState: 'CLOSE' }] }],
  ]
  const answer = (frame: Frame, id: string): unknown => ({ code: frame.code, type: frame.type, body: JSON.stringify(frame.body).replaceAll(id, '<id>') })
  for (const [[type, body], [, unknownBody]] of attempts(conversationId).map((attempt, i) => [attempt, attempts(unknown)[i]!] as const)) {
    const theirs = await b.request(type, body)
    const none = await b.request(type, unknownBody)
    expect(theirs.code).toBe(404)
    expect(answer(theirs, conversationId)).toEqual(answer(none, unknown))
  }
  await b.request('cqm.SubscribeExConversations', {})
  expect(changesOf(await b.until((f) => f.type === 'cqm.ExConversationChangeNotification'))).toEqual([])
  expect(chat.visitorLines()).toEqual([])
  expect(chat.state).toBe('chatting')
  await a.close()
  await b.close()
})

test('after abandonAfterMs with no socket the legacy chat is ended as the visitor leaving; a socket back in time keeps it', async () => {
  stack = await startStack({ gateway: { abandonAfterMs: 150 } })
  const { legacy, gateway } = stack
  const { jwt } = await newConsumer(gateway)
  const client = await ConsumerClient.open(gateway, jwt)
  const { chat } = await requestConversation(client, legacy)
  chat.accept({ name: 'Natalie', id: 7 })
  await client.close()
  // Back before the timer fires: the chat outlives a period longer than abandonAfterMs.
  const back = await ConsumerClient.open(gateway, jwt)
  const polls = chat.polls
  await chat.waitForPolls(polls + 30)
  expect(chat.state).toBe('chatting')

  back.ws.terminate()
  await back.closed
  await chat.waitForState('ended')
  expect(chat.endReason).toBe('visitor')
})

test('faults on the legacy server (503 on polls, a reset after a line was applied) lose and repeat nothing', async () => {
  stack = await startStack()
  const { legacy, gateway } = stack
  const { jwt } = await newConsumer(gateway)
  const client = await ConsumerClient.open(gateway, jwt)
  const { conversationId, chat } = await requestConversation(client, legacy)
  await client.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })
  chat.accept({ name: 'Natalie', id: 7 })
  await client.until((f) => f.type === 'ms.MessagingEventNotification')

  const unavailable = legacy.faults.add({ route: ['chat', 'events'], method: 'GET', times: 3, fault: { kind: 'status', status: 503 } })
  chat.say('one')
  chat.say('two')
  await client.change((c) => c.event.message === 'two')
  expect(unavailable.hits).toBe(3)

  const reset = legacy.faults.add({ route: 'events', method: 'POST', times: 1, fault: { kind: 'reset-after' } })
  expect(await say(client, conversationId, 'sent once')).toMatchObject({ code: 200 })
  expect(reset.hits).toBe(1)
  await chatReaches(chat, () => chat.visitorLines().length > 0)
  chat.say('three')
  await client.change((c) => c.event.message === 'three')

  expect(chat.visitorLines().map((line) => line['text'])).toEqual(['sent once'])
  expect(sequencesSeen(client)).toEqual(sequencesOf(chat))
  const metrics = await (await fetch(`${gateway.url}/metrics`)).text()
  expect(metrics).toMatch(/chatbridge_gateway_poll_failures_total\{code="[^"]+"\} [1-9]/)
  expect(metrics).toMatch(/chatbridge_gateway_chats_polled 1\b/)
  await client.close()
})
