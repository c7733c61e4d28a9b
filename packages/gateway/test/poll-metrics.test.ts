// /metrics after a short conversation: polls by outcome, and the delivery delay of live notifications only.
import { afterEach, describe, expect, test } from 'vitest'
import { ConsumerClient, newConsumer, requestConversation, startStack } from './support/consumer-client.js'
import type { Stack } from './support/consumer-client.js'

let stack: Stack | undefined
afterEach(async () => {
  await stack?.close()
  stack = undefined
})

/** The value of one sample line of the Prometheus text, 0 when absent. */
function sample(text: string, line: RegExp): number {
  const found = text.split('\n').find((l) => line.test(l))
  return found === undefined ? 0 : Number(found.slice(found.lastIndexOf(' ') + 1))
}

const metricsOf = async (stack: Stack): Promise<string> => (await fetch(`${stack.gateway.url}/metrics`)).text()

describe.each(['json', 'xml'] as const)('poll metrics (%s)', (format) => {
  test('polls count by outcome; deliveryDelay counts each live notification once per socket, never replays', async () => {
    stack = await startStack({ format })
    const { legacy } = stack
    const { jwt } = await newConsumer(stack.gateway)
    const client = await ConsumerClient.open(stack.gateway, jwt)
    await client.request('cqm.SubscribeExConversations', { convState: ['OPEN'] })
    const { conversationId, chat } = await requestConversation(client, legacy)
    expect(await client.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).toMatchObject({ code: 200 })
    chat.accept({ name: 'Natalie', id: 7 })
    chat.say('one')
    chat.say('two')
    await client.change((c) => c.event.message === 'two')

    const live = new Set(client.changes().flatMap((c) => (c.sequence === undefined ? [] : [`${c.dialogId}:${c.sequence}`])))
    expect(live.size).toBeGreaterThanOrEqual(2)
    let text = await metricsOf(stack)
    expect(sample(text, /^chatbridge_gateway_polls_total\{outcome="ok",code=""\} /)).toBeGreaterThan(0)
    expect(sample(text, /^chatbridge_gateway_delivery_delay_seconds_count /)).toBe(live.size)

    // A second socket of the same consumer replays the dialog from 0: those are not deliveries.
    const second = await ConsumerClient.open(stack.gateway, jwt)
    expect(await second.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).toMatchObject({ code: 200 })
    await second.change((c) => c.event.message === 'two')
    text = await metricsOf(stack)
    expect(sample(text, /^chatbridge_gateway_delivery_delay_seconds_count /)).toBe(live.size)

    // A new line reaches both sockets live: measured once on each.
    chat.say('three')
    await client.change((c) => c.event.message === 'three')
    await second.change((c) => c.event.message === 'three')
    text = await metricsOf(stack)
    expect(sample(text, /^chatbridge_gateway_delivery_delay_seconds_count /)).toBe(live.size + 2)
    await second.close()
    await client.close()
  })
})
