// DeliveryDelay on its own: what a poll is remembered for, its bound, and which frames it measures.
import { expect, test } from 'vitest'
import { Histogram, Registry } from 'prom-client'
import type { PollReport } from '@chatbridge/adapter'
import { DeliveryDelay, type DeliveryTarget, maxPolledConversations, quietPollsRemembered } from '../src/delivery-delay.js'

function setUp(): { readonly delay: DeliveryDelay; readonly clock: { now: number }; readonly observed: () => Promise<{ count: number; sum: number }> } {
  const histogram = new Histogram({ name: 'delay_seconds', help: 'delay', buckets: [1], registers: [new Registry()] })
  const clock = { now: 1_000_000 }
  const observed = async (): Promise<{ count: number; sum: number }> => {
    const { values } = await histogram.get()
    const value = (name: string): number => values.find((v) => v.metricName === name)?.value ?? 0
    return { count: value('delay_seconds_count'), sum: value('delay_seconds_sum') }
  }
  return { delay: new DeliveryDelay(histogram, () => clock.now), clock, observed }
}

const poll = (conversationId: string, firstSequence: number, events: number, at: number): PollReport => ({ conversationId, at, durationMs: 1, outcome: 'ok', events, firstSequence })
const notification = (dialogId: string, ...sequences: number[]): object => ({ kind: 'notification', type: 'ms.MessagingEventNotification', body: { changes: sequences.map((sequence) => ({ sequence, dialogId })) } })
const socket = (): DeliveryTarget => ({ deliveriesSince: undefined, deliveriesConversation: undefined, deliveriesHighest: -1, deliveriesMeasured: undefined })

test('each event of a poll is measured from its start, once per socket; a replay after the first frame is not measured again', async () => {
  const { delay, clock, observed } = setUp()
  const target = socket()
  delay.written(target, { kind: 'resp', reqId: '1', code: 200 })
  delay.polled(poll('c1', 4, 2, clock.now))
  clock.now += 250
  delay.written(target, notification('c1', 4, 5))
  delay.written(target, notification('c1', 4, 5))
  expect(await observed()).toEqual({ count: 2, sum: 0.5 })
  // Polled before this socket's first frame: a replay to it.
  const late = socket()
  delay.written(late, notification('c1', 4, 5))
  expect((await observed()).count).toBe(2)
})

test("a conversation's two latest polls with events are remembered, an older one is not", async () => {
  const { delay, clock, observed } = setUp()
  const target = socket()
  delay.written(target, { kind: 'resp', reqId: '1', code: 200 })
  delay.polled(poll('c1', 1, 1, clock.now))
  delay.polled(poll('c1', 2, 0, clock.now + 10))
  delay.polled(poll('c1', 2, 2, clock.now + 20))
  delay.polled(poll('c1', 4, 1, clock.now + 30))
  clock.now += 100
  delay.written(target, notification('c1', 1))
  expect((await observed()).count).toBe(0)
  delay.written(target, notification('c1', 2, 3, 4))
  expect(await observed()).toEqual({ count: 3, sum: 0.08 + 0.08 + 0.07 })
})

test(`a conversation is forgotten after ${quietPollsRemembered} polls without events; a failed poll is not one`, async () => {
  const { delay, clock, observed } = setUp()
  const target = socket()
  delay.written(target, { kind: 'resp', reqId: '1', code: 200 })
  delay.polled(poll('c1', 1, 2, clock.now))
  delay.polled(poll('c1', 3, 0, clock.now + 10))
  delay.polled({ conversationId: 'c1', at: clock.now + 20, durationMs: 1, outcome: 'failed', code: 'E_TIMEOUT', events: 0 })
  // One quiet poll after it: still remembered, as its frames may be written after the next poll.
  delay.written(target, notification('c1', 1))
  expect((await observed()).count).toBe(1)
  delay.polled(poll('c1', 3, 0, clock.now + 30))
  delay.written(target, notification('c1', 2))
  expect((await observed()).count).toBe(1)
  // Events again: remembered afresh.
  delay.polled(poll('c1', 3, 1, clock.now + 40))
  delay.written(target, notification('c1', 3))
  expect((await observed()).count).toBe(2)
})

test(`at most ${maxPolledConversations} conversations are remembered: the one polled with events longest ago is forgotten first`, async () => {
  const { delay, clock, observed } = setUp()
  const target = socket()
  delay.written(target, { kind: 'resp', reqId: '1', code: 200 })
  delay.polled(poll('first', 1, 1, clock.now))
  delay.polled(poll('second', 1, 1, clock.now))
  // Polled again (an idle poll does not count): the most recent now.
  delay.polled(poll('first', 2, 0, clock.now))
  delay.polled(poll('first', 2, 1, clock.now))
  for (let i = 2; i < maxPolledConversations; i++) delay.polled(poll(`c${i}`, 1, 1, clock.now))
  delay.written(target, notification('second', 1))
  expect((await observed()).count).toBe(1)
  delay.polled(poll('one too many', 1, 1, clock.now))
  delay.written(target, notification('first', 1, 2))
  expect((await observed()).count).toBe(3)
  // On a socket of its own, where nothing was measured yet: 'second' is forgotten, 'c2' is not.
  const other = socket()
  delay.written(other, { kind: 'resp', reqId: '1', code: 200 })
  delay.written(other, notification('second', 1))
  delay.written(other, notification('c2', 1))
  expect((await observed()).count).toBe(4)
})

test('a socket with several conversations measures each live event once, in each of them', async () => {
  const { delay, clock, observed } = setUp()
  const target = socket()
  delay.written(target, { kind: 'resp', reqId: '1', code: 200 })
  for (const id of ['c1', 'c2', 'c3']) delay.polled(poll(id, 1, 2, clock.now))
  for (const id of ['c1', 'c2', 'c3']) delay.written(target, notification(id, 1))
  expect((await observed()).count).toBe(3)
  // Replayed from 0, then the next live one: only the ones not measured yet count.
  for (const id of ['c3', 'c2', 'c1']) delay.written(target, notification(id, 1, 2))
  expect((await observed()).count).toBe(6)
  for (const id of ['c1', 'c2', 'c3']) delay.written(target, notification(id, 1, 2))
  expect((await observed()).count).toBe(6)
})
