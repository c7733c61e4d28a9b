// A whole conversation through startGateway({ legacy }) against the testing legacy server, in both wire formats.
import { afterEach, describe, expect, test } from 'vitest'
import { ConsumerClient, chatReaches, newConsumer, requestConversation, say, startStack } from './support/consumer-client.js'
import type { ConversationChange, Stack } from './support/consumer-client.js'

let stack: Stack | undefined
afterEach(async () => {
  await stack?.close()
  stack = undefined
})

describe.each(['json', 'xml'] as const)('a whole conversation over the gateway (%s)', (format) => {
  test('request, the agent joins, lines both ways, typing, close', async () => {
    stack = await startStack({ format })
    const { legacy, gateway } = stack
    const { jwt, sub } = await newConsumer(gateway)
    const client = await ConsumerClient.open(gateway, jwt)

    const subscribed = await client.request('cqm.SubscribeExConversations', { convState: ['OPEN'] })
    expect(subscribed).toMatchObject({ code: 200, type: 'cqm.SubscribeExConversationsResponse' })
    expect((await client.until((f) => f.type === 'cqm.ExConversationChangeNotification')).body.changes).toEqual([])

    const { conversationId, chat } = await requestConversation(client, legacy)
    expect(chat.id).toBe(conversationId)
    expect(await client.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).toMatchObject({ code: 200 })

    // Sent while waiting: answered once the agent joined and the line reached the chat.
    const early = say(client, conversationId, 'hi, anyone there?')
    chat.accept({ name: 'Natalie', id: 7 })
    expect(await early).toMatchObject({ code: 200, type: 'ms.PublishEventResponse' })
    expect((await chat.waitForVisitorLine('hi, anyone there?'))['text']).toBe('hi, anyone there?')
    const own = await client.change((c) => c.event.message === 'hi, anyone there?')
    expect(own).toMatchObject({ originatorId: sub, originatorMetadata: { role: 'CONSUMER' }, dialogId: conversationId })
    const joined = await client.until((f) =>
      ((f.body.changes ?? []) as ConversationChange[]).some((c) => c.result?.conversationDetails?.participants?.some((p) => p.role === 'ASSIGNED_AGENT') === true),
    )
    expect(joined.type).toBe('cqm.ExConversationChangeNotification')

    chat.typing(true)
    expect(await client.change((c) => c.event.type === 'ChatStateEvent')).toMatchObject({ event: { chatState: 'COMPOSING' }, originatorMetadata: { role: 'ASSIGNED_AGENT' } })
    chat.say('Hello, how can I help?')
    expect(await client.change((c) => c.event.message === 'Hello, how can I help?')).toMatchObject({ originatorId: '7', originatorMetadata: { role: 'ASSIGNED_AGENT' } })

    expect(await client.request('ms.PublishEvent', { dialogId: conversationId, event: { type: 'ChatStateEvent', chatState: 'COMPOSING' } })).toMatchObject({ code: 200 })
    await chatReaches(chat, () => chat.visitorTyping === 'typing')
    expect(await say(client, conversationId, 'Where is my order?')).toMatchObject({ code: 200 })
    await chat.waitForVisitorLine('Where is my order?')

    const closing = await client.request('cm.UpdateConversationField', {
      conversationId,
      conversationField: [{ field: 'ConversationStateField', conversationState: 'CLOSE' }],
    })
    expect(closing).toMatchObject({ code: 200 })
    await chat.waitForState('ended')
    expect(chat.endReason).toBe('visitor')
    await client.until((f) => ((f.body.changes ?? []) as ConversationChange[]).some((c) => c.result?.conversationDetails?.state === 'CLOSE'))

    // Every line once, in the chat's order.
    const sequences = client.changes().flatMap((c) => (c.sequence === undefined ? [] : [c.sequence]))
    expect(sequences).toEqual(chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id'])))
    expect(JSON.stringify(client.frames)).not.toContain(legacy.appKey)
    expect(legacy.chats()).toHaveLength(1)
    await client.close()
  })
})
