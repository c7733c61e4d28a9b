import { describe, expect, test } from 'vitest'
import { AdapterError } from '../src/adapter-error.js'
import { MessagingSocket, createMessagingSocket } from '../src/messaging-socket.js'
import { FakeClient } from './support/fake-chat.js'
import { fastConfig } from './support/fast-config.js'
import { stateEvent, timeOf } from './support/legacy-builders.js'
import { MessagingClient } from './support/messaging-client.js'

describe('MessagingSocket on a fake legacy client', () => {
  test('unknown legacy events reach clients that opt in; commands without a legacy equivalent get 400 saying why', async () => {
    const fake = new FakeClient()
    const socket = new MessagingSocket(fake, { ...fastConfig, emitLegacyEvents: true }, { ownsClient: true })
    const client = new MessagingClient(socket)
    await client.opened
    const { body } = await client.request(1, 'cm.ConsumerRequestConversation', { skillId: 'Sales' })
    const conversationId = body.conversationId!
    const chat = fake.chats.get(conversationId)!
    chat.push(stateEvent(0, 'waiting'))
    chat.push({ type: 'unknown', id: 1, time: timeOf(1), raw: { '@id': '1', '@type': 'collaboration', channelID: 'x' }, legacyType: 'collaboration' })
    await client.request(2, 'ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })
    const legacy = await client.next((f) => f.type === 'chatbridge.LegacyEventNotification')
    expect(legacy.body.changes).toEqual([
      { conversationId, sequence: 1, metadata: [{ type: 'LegacyEvent', legacyType: 'collaboration', event: { '@id': '1', '@type': 'collaboration', channelID: 'x' } }] },
    ])

    const rich = await client.request(3, 'ms.PublishEvent', { dialogId: conversationId, event: { type: 'RichContentEvent', content: {} } })
    expect(rich).toMatchObject({ code: 400, reqId: 3 })
    expect(JSON.stringify(rich.body)).toMatch(/RichContentEvent has no legacy chat equivalent/)
    const csat = await client.request(4, 'cm.UpdateConversationField', { conversationId, conversationField: { field: 'CSATRate', csatRate: 5 } })
    expect(csat).toMatchObject({ code: 400 })
    expect(JSON.stringify(csat.body)).toMatch(/CSATRate needs the exit survey question .*connection option csat/)

    // a2a transfer: the chat ends on this account; the conversation closes with the transfer in metadata.
    const subscribed = await client.request(5, 'cqm.SubscribeExConversations', { convState: ['OPEN', 'CLOSE'] })
    chat.push({ type: 'a2a-transfer', id: 2, time: timeOf(2), raw: {}, domain: 'other.example', remoteSiteId: '99', skill: 'Sales', chatRequestParameters: { a2aEventId: 467 } })
    const closed = await client.conversationNotification((c) => c.result.conversationDetails.state === 'CLOSE')
    expect(closed.body.subscriptionId).toBe(subscribed.body.subscriptionId)
    expect(closed.body.changes?.[0]).toMatchObject({ result: { conversationDetails: { closeReason: 'SYSTEM', metadata: [{ type: 'LegacyA2ATransfer', remoteSiteId: '99' }] } } })

    client.close()
    await client.closed
    expect(fake.closed).toBe(true)
  })

  test('a new socket resumes a dialog by id from a sequence, with no conversation request', async () => {
    const fake = new FakeClient()
    const chat = fake.attach('known-chat')
    const known = fake.chats.get('known-chat')!
    known.info = { ...known.info, state: 'chatting', agentId: 'a-7' }
    known.push(stateEvent(0, 'chatting'))
    for (let id = 1; id <= 4; id++) {
      known.push({ type: 'line', id, time: timeOf(id), raw: {}, text: `line ${id}`, textType: 'plain', source: 'agent', by: 'Natalie', systemMessageId: undefined, subType: 'REGULAR' })
    }
    const client = new MessagingClient(new MessagingSocket(fake, fastConfig))
    await client.opened
    await client.request('m', 'ms.SubscribeMessagingEvents', { dialogId: chat.conversationId, fromSeq: 3 })
    await client.change((c) => c.sequence === 4)
    expect(client.messagingChanges().map((c) => c.sequence)).toEqual([3, 4])
    client.close()
    await client.closed
  })

  test('a bad config fails at construction, showing a correct value, instead of as a 500 response later', () => {
    expect(() => new MessagingSocket(new FakeClient(), { chattingIntervalMs: 0 })).toThrow(/chattingIntervalMs must be a positive number, e\.g\. \{ chattingIntervalMs: 500 \}/)
    expect(() => createMessagingSocket({ accountRoot: 'https://va.example/api/account/1', appKey: 'k', keepAliveFraction: 2 })).toThrow(/keepAliveFraction must be below 1/)
  })

  test('a client that fails to close with a non-Error is reported as an AdapterError', async () => {
    const fake = new FakeClient()
    // A foreign client may reject with anything; the socket still reports an Error with a code.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    fake.close = () => Promise.reject('socket hang-up')
    const socket = new MessagingSocket(fake, fastConfig, { ownsClient: true })
    const client = new MessagingClient(socket)
    await client.opened
    const errors: Error[] = []
    socket.on('error', (error) => errors.push(error))
    client.close()
    await client.closed
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AdapterError)
    expect(errors[0]).toMatchObject({ code: 'E_COMMAND_FAILED', message: 'closing the legacy client failed: socket hang-up' })
  })

  test('frames are the JSON text of { kind, reqId, code, type, body }, key order included', async () => {
    const socket = new MessagingSocket(new FakeClient(), { ...fastConfig, now: () => 1234 })
    const texts: string[] = []
    socket.on('message', (text) => texts.push(text))
    const client = new MessagingClient(socket)
    await client.opened
    await client.request(1, 'GetClock')
    await client.request('x', 'ms.SubscribeMessagingEvents', {})
    expect(texts).toEqual([
      '{"kind":"resp","reqId":1,"code":200,"type":"GetClockResponse","body":{"currentTime":1234}}',
      '{"kind":"resp","reqId":"x","code":400,"type":"GenericResponse","body":"ms.SubscribeMessagingEvents needs body.dialogId"}',
    ])
    client.close()
    await client.closed
  })

  test('on* handlers are null until set, null when set to a non-function, and replaced by the next one; listeners hear beside them', async () => {
    const socket = new MessagingSocket(new FakeClient(), { ...fastConfig, now: () => 7 })
    expect([socket.onopen, socket.onmessage, socket.onerror, socket.onclose]).toEqual([null, null, null, null])
    expect(Object.keys(socket)).not.toContain('onmessage')
    const heard: string[] = []
    socket.onmessage = () => heard.push('first handler')
    socket.onmessage = (event) => heard.push(`handler ${event.data}`)
    // The listener is called after the handler: once it has heard, both have.
    const answered = new Promise<void>((resolve) => socket.addEventListener('message', (event) => resolve(void heard.push(`listener ${event.data}`))))
    await new Promise<void>((resolve) => (socket.onopen = () => resolve()))
    socket.send('{"kind":"req","id":1,"type":"GetClock","body":{}}')
    await answered
    const frame = '{"kind":"resp","reqId":1,"code":200,"type":"GetClockResponse","body":{"currentTime":7}}'
    expect(heard).toEqual([`handler ${frame}`, `listener ${frame}`])
    ;(socket as { onmessage: unknown }).onmessage = 'not a function'
    expect(socket.onmessage).toBeNull()
    const closed = new Promise<number>((resolve) => (socket.onclose = (event) => resolve(event.code)))
    socket.close(4000)
    expect(await closed).toBe(4000)
  })
})
