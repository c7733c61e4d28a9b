// legacySessions and identity: refused tokens are answered 401 and close the socket with their code.
import { afterEach, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import { authHeaders } from './support/gateway-client.js'
import { ConsumerClient, newConsumer, startStack } from './support/consumer-client.js'
import type { Frame, Stack } from './support/consumer-client.js'

let stack: Stack | undefined
afterEach(async () => {
  await stack?.close()
  stack = undefined
})

/** Sends one InitConnection with `jwt` on a fresh socket; resolves with its response and the close code. */
async function initWith(url: string, jwt: string): Promise<{ readonly response: Frame; readonly code: number }> {
  const ws = new WebSocket(url)
  const frames: Frame[] = []
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as Frame))
  await new Promise((resolve) => ws.once('open', resolve))
  ws.send(JSON.stringify({ kind: 'req', id: 'init', type: 'InitConnection', body: {}, headers: authHeaders(jwt) }))
  const code = await closed
  return { response: frames.find((f) => f.reqId === 'init')!, code }
}

test('a token that does not verify: 401 in the InitConnection response, then close 1008', async () => {
  stack = await startStack()
  const { jwt } = await newConsumer(stack.gateway)
  const [header, payload] = jwt.split('.')
  const outcome = await initWith(stack.gateway.wsUrl, `${header}.${payload}.${'A'.repeat(86)}`)
  expect(outcome.response).toMatchObject({ kind: 'resp', code: 401 })
  expect(outcome.code).toBe(1008)
})

test('an expired signup identity: 401, then close 4407', async () => {
  let now = Date.now()
  stack = await startStack({ gateway: { now: () => now } })
  const { jwt } = await newConsumer(stack.gateway)
  now += 25 * 3600_000
  const outcome = await initWith(stack.gateway.wsUrl, jwt)
  expect(outcome.response).toMatchObject({ kind: 'resp', code: 401 })
  expect(outcome.code).toBe(4407)
})

test('before InitConnection every request but GetClock is refused with 401; the upgrade header authenticates at once', async () => {
  stack = await startStack()
  const { jwt } = await newConsumer(stack.gateway)
  const anonymous = new WebSocket(stack.gateway.wsUrl)
  await new Promise((resolve) => anonymous.once('open', resolve))
  const answer = new Promise<Frame>((resolve) => anonymous.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Frame)))
  anonymous.send(JSON.stringify({ kind: 'req', id: 1, type: 'cm.ConsumerRequestConversation', body: {} }))
  expect(await answer).toMatchObject({ reqId: 1, code: 401 })
  anonymous.close()
  expect(stack.legacy.chats()).toHaveLength(0)

  const viaHeader = new WebSocket(stack.gateway.wsUrl, { headers: { authorization: `jwt ${jwt}` } })
  await new Promise((resolve) => viaHeader.once('open', resolve))
  const response = new Promise<Frame>((resolve) => viaHeader.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Frame)))
  viaHeader.send(JSON.stringify({ kind: 'req', id: 2, type: 'cm.ConsumerRequestConversation', body: { skillId: 'Sales' } }))
  expect(await response).toMatchObject({ reqId: 2, code: 200 })
  const chat = await stack.legacy.nextChat()
  expect(chat.id).toBe((await response).body.conversationId)
  // The same consumer on another socket reaches it.
  const other = await ConsumerClient.open(stack.gateway, jwt)
  expect(await other.request('ms.SubscribeMessagingEvents', { dialogId: chat.id, fromSeq: 0 })).toMatchObject({ code: 200 })
  viaHeader.close()
  await other.close()
})

test("an authenticated socket keeps its consumer: another consumer's token in InitConnection is refused with 401", async () => {
  stack = await startStack()
  const first = await newConsumer(stack.gateway)
  const second = await newConsumer(stack.gateway)
  const client = await ConsumerClient.open(stack.gateway, first.jwt)
  expect(await client.request('InitConnection', {}, authHeaders(second.jwt))).toMatchObject({ code: 401 })
  const { conversationId } = (await client.request('cm.ConsumerRequestConversation', { skillId: 'Sales' })).body
  const chat = await stack.legacy.nextChat()
  expect(chat.id).toBe(conversationId)
  const other = await ConsumerClient.open(stack.gateway, second.jwt)
  expect(await other.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).toMatchObject({ code: 404 })
  await client.close()
  await other.close()
})
