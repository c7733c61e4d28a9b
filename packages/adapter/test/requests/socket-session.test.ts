import { InvalidArgumentError } from '@chatbridge/core'
import { filter, firstValueFrom } from 'rxjs'
import { afterEach, describe, expect, test } from 'vitest'
import { Connection } from '../../src/connection.js'
import type { ResponseFrame, ServerFrame } from '../../src/messaging-types.js'
import { RequestRefusedError } from '../../src/requests/request-refused-error.js'
import { type SocketSessionOptions, SocketSession } from '../../src/requests/socket-session.js'
import { FakeClient } from '../support/fake-chat.js'
import { fastConfig } from '../support/fast-config.js'
import { lineEvent, stateEvent } from '../support/legacy-builders.js'

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwtFor = (sub: string): string => `${b64({ alg: 'none' })}.${b64({ sub })}.`
const auth = (jwt: string): unknown[] => [{ type: '.ams.headers.ConsumerAuthentication', jwt }]

const connections: Connection[] = []
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()))
})

/** A session on a fake legacy client, its frames and errors collected. */
function harness(config: Partial<SocketSessionOptions> = {}) {
  const fake = new FakeClient()
  const asked: (string | undefined)[] = []
  const frames: ServerFrame[] = []
  const errors: Error[] = []
  const waiters = new Set<() => void>()
  const session = new SocketSession(
    {
      connectionFor: (consumerId) => {
        asked.push(consumerId)
        const connection = new Connection(fake, { ...fastConfig, ...(consumerId === undefined ? {} : { consumerId }) })
        connections.push(connection)
        return connection
      },
      ...config,
    },
    {
      frame: (frame) => {
        frames.push(frame)
        for (const waiter of [...waiters]) waiter()
      },
      error: (error) => errors.push(error),
    },
  )
  const next = (predicate: (frame: ServerFrame) => boolean): Promise<ServerFrame> =>
    new Promise((resolve) => {
      const waiter = (): void => {
        const found = frames.find(predicate)
        if (found === undefined) return
        waiters.delete(waiter)
        resolve(found)
      }
      waiters.add(waiter)
      waiter()
    })
  const request = (id: string | number, type: string, body: unknown = {}, headers?: unknown[]): Promise<ResponseFrame> => {
    const answer = next((f) => f.kind === 'resp' && f.reqId === id) as Promise<ResponseFrame>
    session.receive(JSON.stringify({ kind: 'req', id, type, body, ...(headers === undefined ? {} : { headers }) }))
    return answer
  }
  return { fake, asked, frames, errors, session, request, next }
}

describe('SocketSession, the transport-agnostic server side of one socket', () => {
  test('hostile text: 400 when there is an id to answer, an error to the sink otherwise', async () => {
    const { session, frames, errors, request } = harness()
    session.receive('not json')
    session.receive('{"kind":"req","type":"GetClock"}')
    session.receive('[1,2]')
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/without an id/),
      expect.stringMatching(/without an id/),
    ])
    session.receive('{"id":7,"type":"GetClock"}')
    expect(frames).toEqual([{ kind: 'resp', reqId: 7, code: 400, type: 'GenericResponse', body: 'not a request frame: expected { kind: "req", id, type, body }' }])
    expect(await request('u', 'toString')).toMatchObject({ code: 400, body: 'request type "toString" is not supported by the legacy chat transport' })
    expect(await request('h', 'cqm.UnsubscribeExConversations', { subscriptionId: { toString: 1 } })).toMatchObject({ code: 500 })
  })

  test('the identity comes from the authenticate hook and keys the connection; it is fixed once the connection exists', async () => {
    const seen: (readonly string[])[] = []
    const { request, asked, session } = harness({
      authenticate: (tokens) => {
        seen.push(tokens)
        return Promise.resolve(tokens.length > 0 ? `verified-${tokens.length}` : undefined)
      },
    })
    expect(await request(1, 'InitConnection', { headers: auth('b') }, auth('a'))).toMatchObject({ code: 200 })
    expect(seen).toEqual([['a', 'b']])
    expect(session.consumerId).toBe('verified-2')
    await request(2, 'userprofile.SetUserProfile', { firstName: 'Ann' })
    expect(asked).toEqual(['verified-2'])
    await request(3, 'InitConnection', {}, auth('c'))
    expect(session.consumerId).toBe('verified-2')
  })

  test('by default the JWT sub is read unverified, as the in-process socket does', async () => {
    const { request, asked } = harness()
    await request(1, 'InitConnection', {}, [...auth('unreadable'), ...auth(jwtFor('consumer-42'))])
    await request(2, 'cm.ConsumerRequestConversation', { skillId: 'Sales' })
    expect(asked).toEqual(['consumer-42'])
  })

  test('with authentication required, only InitConnection and GetClock are answered before it; a refusing hook sets the code', async () => {
    const { request, fake } = harness({
      requireAuthentication: true,
      authenticate: (tokens) => {
        if (tokens[0] !== 'good') throw new RequestRefusedError(401, 'the consumer token is not valid')
        return 'consumer-1'
      },
    })
    expect(await request(1, 'cm.ConsumerRequestConversation', {})).toEqual({
      kind: 'resp',
      reqId: 1,
      code: 401,
      type: 'GenericResponse',
      body: 'cm.ConsumerRequestConversation before InitConnection authenticated the consumer',
    })
    expect(await request(2, 'GetClock')).toMatchObject({ code: 200, type: 'GetClockResponse' })
    expect(await request(3, 'InitConnection', {}, auth('bad'))).toMatchObject({ code: 401, body: 'the consumer token is not valid' })
    expect(await request(4, 'ms.PublishEvent', { dialogId: 'x', event: { type: 'AcceptStatusEvent' } })).toMatchObject({ code: 401 })
    expect(fake.requests).toEqual([])
    expect(await request(5, 'InitConnection', {}, auth('good'))).toMatchObject({ code: 200 })
    expect(await request(6, 'cm.ConsumerRequestConversation', {})).toMatchObject({ code: 200 })
  })

  test('an identity known to the host needs no InitConnection', async () => {
    const { request, asked } = harness({ consumerId: 'from-upgrade', requireAuthentication: true })
    expect(await request(1, 'cm.ConsumerRequestConversation', {})).toMatchObject({ code: 200 })
    expect(asked).toEqual(['from-upgrade'])
  })

  test("a conversation out of reach gets one answer, whether it is another consumer's or does not exist", async () => {
    const { request, fake } = harness({ canReach: (id) => Promise.resolve(id === 'mine') })
    const answers = []
    for (const id of ['theirs', 'never-existed']) {
      for (const [type, body] of [
        ['ms.SubscribeMessagingEvents', { dialogId: id }],
        ['ms.PublishEvent', { dialogId: id, event: { type: 'ContentEvent', contentType: 'text/plain', message: 'hi' } }],
        ['cm.UpdateConversationField', { conversationId: id, conversationField: { field: 'ConversationStateField', conversationState: 'CLOSE' } }],
      ] as const) {
        const { reqId: _reqId, body: answer, ...rest } = await request(`${type}-${id}`, type, body)
        answers.push({ type, rest, answer: String(answer).replace(id, '<id>') })
      }
    }
    expect(answers.slice(0, 3)).toEqual(answers.slice(3))
    expect(answers[0]).toEqual({ type: 'ms.SubscribeMessagingEvents', rest: { kind: 'resp', code: 404, type: 'GenericResponse' }, answer: 'conversation <id> is not known' })
    expect([...fake.chats.keys()]).toEqual([])
    expect(await request('m', 'ms.SubscribeMessagingEvents', { dialogId: 'mine' })).toMatchObject({ code: 200 })
  })

  test('the conversation request policy can refuse a second conversation with a body naming the open one', async () => {
    let open: string | undefined
    const { request, fake } = harness({
      requestConversation: async (conversationRequest, _session, next) => {
        if (open !== undefined) throw new RequestRefusedError(409, `conversation ${open} is open`, { body: { conversationId: open } })
        const started = await next({ ...conversationRequest, skillId: 'Forced' })
        open = started.conversationId
        return started
      },
    })
    const first = await request(1, 'cm.ConsumerRequestConversation', { skillId: 'Sales' })
    expect(first).toMatchObject({ code: 200, body: { conversationId: 'fake-1' } })
    expect(await request(2, 'cm.ConsumerRequestConversation', { skillId: 'Sales' })).toMatchObject({ code: 409, body: { conversationId: 'fake-1' } })
    expect(fake.requests).toEqual([{ skill: 'Forced' }])
  })

  test('beforeRequest refuses with its own status, e.g. 429 for a flood', async () => {
    let budget = 1
    const { request } = harness({
      beforeRequest: () => {
        if (budget-- <= 0) throw new RequestRefusedError(429, 'too many requests')
      },
    })
    expect(await request(1, 'GetClock')).toMatchObject({ code: 200 })
    expect(await request(2, 'GetClock')).toMatchObject({ code: 429, body: 'too many requests' })
  })

  test('close() ends every subscription; nothing is sent after it; the connection is the host’s to close', async () => {
    const { request, session, frames, next, fake } = harness()
    const { body } = await request(1, 'cm.ConsumerRequestConversation', {})
    const conversationId = (body as { conversationId: string }).conversationId
    fake.chats.get(conversationId)!.push(stateEvent(0, 'waiting'))
    await request(2, 'cqm.SubscribeExConversations', {})
    await request(3, 'ms.SubscribeMessagingEvents', { dialogId: conversationId })
    await next((f) => f.kind === 'notification' && f.type === 'cqm.ExConversationChangeNotification' && f.body.changes.length > 0)
    session.receive(JSON.stringify({ kind: 'req', id: 4, type: 'ms.PublishEvent', body: { dialogId: conversationId, event: { type: 'ChatStateEvent', chatState: 'COMPOSING' } } }))
    session.close()
    const count = frames.length
    const connection = connections[0]!
    const closed = firstValueFrom(connection.conversations$().pipe(filter((c) => c.result.conversationDetails.state === 'CLOSE')))
    fake.chats.get(conversationId)!.push(stateEvent(1, 'ended'))
    session.receive(JSON.stringify({ kind: 'req', id: 5, type: 'GetClock' }))
    // The connection saw the chat close: a live subscription of the session would have sent it by now.
    await closed
    expect(frames).toHaveLength(count)
    expect(session.closed).toBe(true)
    expect(connection.resumeConversation(conversationId)).toEqual({ conversationId })
  })

  test('a second ms.SubscribeMessagingEvents to a dialog replaces the first: every change comes once', async () => {
    const { request, frames, next, fake } = harness()
    const { body } = await request(1, 'cm.ConsumerRequestConversation', {})
    const conversationId = (body as { conversationId: string }).conversationId
    const saying = (text: string) => (f: ServerFrame): boolean => f.kind === 'notification' && f.type === 'ms.MessagingEventNotification' && JSON.stringify(f.body).includes(text)
    const chat = fake.chats.get(conversationId)!
    chat.push(stateEvent(0, 'chatting'))
    chat.push(lineEvent(1, 'hello', 'agent'))
    await request(2, 'ms.SubscribeMessagingEvents', { dialogId: conversationId })
    const hello = (await next(saying('hello'))) as { readonly body: { readonly changes: readonly { readonly sequence: number }[] } }
    // The same id in a frame of its own (a string of its own), from past the line already heard.
    await request(3, 'ms.SubscribeMessagingEvents', { dialogId: `${conversationId}`, fromSeq: hello.body.changes[0]!.sequence + 1 })
    chat.push(lineEvent(2, 'again', 'agent'))
    await next(saying('again'))
    // A later line, heard after 'again' by any stream still open: by then a second copy of 'again' would have come.
    chat.push(lineEvent(3, 'last', 'agent'))
    await next(saying('last'))
    expect(frames.filter(saying('hello'))).toHaveLength(1)
    expect(frames.filter(saying('again'))).toHaveLength(1)
    expect(frames.filter(saying('last'))).toHaveLength(1)
  })

  test('a malformed config fails at construction with a correct call', () => {
    const sink = { frame: () => undefined, error: () => undefined }
    expect(() => new SocketSession({} as SocketSessionOptions, sink)).toThrow(InvalidArgumentError)
    expect(() => new SocketSession({} as SocketSessionOptions, sink)).toThrow(/connectionFor: \(consumerId\) => connection/)
    expect(() => new SocketSession({ connectionFor: () => connections[0]! }, {} as typeof sink)).toThrow(/frame and error functions/)
    expect(() => new SocketSession({ connectionFor: () => connections[0]!, canReach: true as never }, sink)).toThrow(/canReach must be a function/)
    expect(() => new RequestRefusedError(200, 'fine')).toThrow(/4xx/)
  })
})
