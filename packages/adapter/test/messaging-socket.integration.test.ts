import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createMessagingSocket } from '../src/messaging-socket.js'
import { fastConfig } from './support/fast-config.js'
import { type ConversationChange, MessagingClient } from './support/messaging-client.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const consumerJwt = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'consumer-42', iss: 'https://idp.example' })}.sig`

describe.each(['json', 'xml'] as const)('createMessagingSocket driven by a Messaging protocol client (%s)', (format) => {
  test('a full conversation, frames in and frames out', async () => {
    const socket = createMessagingSocket({ accountRoot: server.accountRoot, appKey: server.appKey, format, ...fastConfig })
    const wsStyle: string[] = []
    socket.on('message', (data) => wsStyle.push(data))
    const client = new MessagingClient(socket)
    await client.opened
    expect(socket.readyState).toBe(1)
    // The ready-state constants as a browser WebSocket has them: on the prototype, and so on every instance.
    expect([socket.CONNECTING, socket.OPEN, socket.CLOSING, socket.CLOSED]).toEqual([0, 1, 2, 3])
    expect(socket.readyState).toBe(socket.OPEN)
    expect(Object.keys(socket)).not.toContain('OPEN')

    const init = await client.request('init-1', 'InitConnection', {}, [
      { type: '.ams.headers.ClientProperties', deviceFamily: 'DESKTOP' },
      { type: '.ams.headers.ConsumerAuthentication', jwt: consumerJwt },
    ])
    expect(init).toMatchObject({ kind: 'resp', reqId: 'init-1', code: 200 })
    const clock = await client.request(1, 'GetClock')
    expect(clock).toMatchObject({ kind: 'resp', reqId: 1, code: 200, type: 'GetClockResponse' })
    expect(typeof clock.body.currentTime).toBe('number')
    expect(await client.request('p', 'userprofile.SetUserProfile', { firstName: 'Ann', lastName: 'Lee' })).toMatchObject({ code: 200 })

    const subscribed = await client.request('s', 'cqm.SubscribeExConversations', { convState: ['OPEN'], stage: ['OPEN', 'CLOSE'] })
    expect(subscribed).toMatchObject({ code: 200, type: 'cqm.SubscribeExConversationsResponse' })
    const subscriptionId = subscribed.body.subscriptionId
    const initial = await client.next((f) => f.type === 'cqm.ExConversationChangeNotification')
    expect(initial.body).toEqual({ subscriptionId, changes: [] })

    const requested = await client.request('r', 'cm.ConsumerRequestConversation', {
      skillId: 'Sales',
      brandId: '12345678',
      conversationContext: { type: 'SharkContext', lang: 'en-US' },
    })
    expect(requested).toMatchObject({ code: 200, type: 'cm.RequestConversationResponse' })
    const conversationId = requested.body.conversationId!
    const chat = await server.nextChat()
    expect(chat.id).toBe(conversationId)
    expect(chat.visitorName).toBe('Ann Lee')
    const open = await client.conversationNotification((c) => c.result.convId === conversationId)
    expect(open.body.subscriptionId).toBe(subscriptionId)
    expect(open.body.changes?.[0]).toMatchObject({
      type: 'UPSERT',
      result: { conversationDetails: { state: 'OPEN', stage: 'OPEN', participants: [{ id: 'consumer-42', role: 'CONSUMER' }] } },
    })

    expect(await client.request('m', 'ms.SubscribeMessagingEvents', { dialogId: conversationId, conversationId, fromSeq: 0 })).toMatchObject({ code: 200 })
    // Published while waiting: answered once an agent joined and the line was sent.
    const early = client.request('early', 'ms.PublishEvent', { dialogId: conversationId, conversationId, event: { type: 'ContentEvent', contentType: 'text/plain', message: 'hi, anyone?' } })
    chat.accept({ name: 'Natalie', id: 7 })
    const earlyResponse = await early
    expect(earlyResponse).toMatchObject({ code: 200, type: 'ms.PublishEventResponse' })
    const own = await client.change((c) => c.event.message === 'hi, anyone?')
    expect(own).toMatchObject({ sequence: earlyResponse.body.sequence, originatorId: 'consumer-42', originatorMetadata: { role: 'CONSUMER' }, dialogId: conversationId })

    chat.typing(true)
    expect(await client.change((c) => c.event.type === 'ChatStateEvent')).toMatchObject({ event: { chatState: 'COMPOSING' }, originatorMetadata: { role: 'ASSIGNED_AGENT' } })
    chat.say('Hello <b>Ann</b> &amp; welcome', { html: true })
    expect(await client.change((c) => c.event.message === 'Hello Ann & welcome')).toMatchObject({ originatorId: '7' })
    chat.pushUrl('https://example.com/order')
    expect(await client.change((c) => c.event.message === 'https://example.com/order')).toMatchObject({ metadata: [{ type: 'LegacyUrlPush' }] })

    const typing = await client.request('t', 'ms.PublishEvent', { dialogId: conversationId, event: { type: 'ChatStateEvent', chatState: 'COMPOSING' } })
    expect(typing).toMatchObject({ code: 200, body: { sequence: 0 } })
    expect(chat.visitorTyping).toBe('typing')
    const read = await client.request('a', 'ms.PublishEvent', { dialogId: conversationId, event: { type: 'AcceptStatusEvent', status: 'READ', sequenceList: [own.sequence ?? -1] } })
    expect(read).toMatchObject({ code: 200 })
    const unsupported = await client.request('u', 'ms.GetUserProfile', { userId: 'x' })
    expect(unsupported).toMatchObject({ kind: 'resp', reqId: 'u', code: 400 })
    expect(JSON.stringify(unsupported.body)).toMatch(/not supported/)

    const closing = await client.request('c', 'cm.UpdateConversationField', {
      conversationId,
      conversationField: [{ field: 'ConversationStateField', conversationState: 'CLOSE' }],
    })
    expect(closing).toMatchObject({ code: 200 })
    const closed = await client.conversationNotification((c) => c.result.conversationDetails.state === 'CLOSE')
    expect(closed.body.subscriptionId).toBe(subscriptionId)
    expect((closed.body.changes as ConversationChange[])[0]?.result.conversationDetails).toMatchObject({ closeReason: 'CONSUMER', stage: 'CLOSE' })

    // Exactly one response per request, ids echoed with their type.
    const responses = client.frames.filter((f) => f.kind === 'resp').map((f) => f.reqId)
    expect(responses.sort((a, b) => String(a).localeCompare(String(b)))).toEqual(['a', 'c', 'early', 'init-1', 'm', 'p', 'r', 's', 't', 'u', 1].sort((a, b) => String(a).localeCompare(String(b))))
    // Sequences exactly once, in order.
    const seqs = client.messagingChanges().flatMap((c) => (c.sequence === undefined ? [] : [c.sequence]))
    expect(seqs).toEqual(chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id'])))
    // The ws-style emitter saw the same frames as onmessage.
    expect(wsStyle.map((text) => JSON.parse(text))).toEqual(client.frames)
    expect(wsStyle.join('')).not.toContain(server.appKey)

    client.close()
    expect(await client.closed).toBe(1000)
    expect(socket.readyState).toBe(3)
  })
})

describe('createMessagingSocket edge cases', () => {
  test('bad frames: 400 when there is an id to answer, an error event otherwise; send before open throws', async () => {
    const socket = createMessagingSocket({ accountRoot: server.accountRoot, appKey: server.appKey, ...fastConfig })
    expect(() => socket.send('{}')).toThrow(/before the socket is open/)
    const errors: Error[] = []
    socket.addEventListener('error', (event) => errors.push(event.error as Error))
    const client = new MessagingClient(socket)
    await client.opened
    const noKind = client.next((f) => f.reqId === 7)
    socket.send(JSON.stringify({ id: 7, type: 'GetClock' }))
    expect(await noKind).toMatchObject({ code: 400 })
    socket.send('not json')
    expect(errors).toHaveLength(1)
    expect(await client.request('x', 'ms.SubscribeMessagingEvents', {})).toMatchObject({ code: 400 })
    client.close()
    await client.closed
  })
})
