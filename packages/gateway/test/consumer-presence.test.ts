// Presence renewal: one batched mark per tick for the consumers with a socket here, never stacked; a failed read counts as present.
import { MemoryConversationRelay } from '@chatbridge/adapter'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { consumerPresence, presenceRenewMs } from '../src/consumer-presence.js'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

test('renews every quarter of the abandon time, at most every 5 s', () => {
  expect(presenceRenewMs(600)).toBe(150)
  expect(presenceRenewMs(600_000)).toBe(5_000)
  expect(presenceRenewMs(2)).toBe(1)
})

test('marks the consumers present here in one call per tick, none when there are none, never two at once', async () => {
  const relay = new MemoryConversationRelay()
  let release = (): void => undefined
  const calls: (readonly string[])[] = []
  const mark = vi.spyOn(relay, 'markPresent').mockImplementation((ids) => {
    calls.push(ids)
    return new Promise<void>((resolve) => (release = resolve))
  })
  let here: string[] = []
  const presence = consumerPresence(relay, 400, () => here, () => undefined)
  await vi.advanceTimersByTimeAsync(100)
  expect(mark).not.toHaveBeenCalled()
  here = ['x', 'y']
  await vi.advanceTimersByTimeAsync(100)
  expect(calls).toEqual([['x', 'y']])
  // Still in flight: the next ticks wait for it.
  await vi.advanceTimersByTimeAsync(200)
  expect(calls).toHaveLength(1)
  release()
  await vi.advanceTimersByTimeAsync(100)
  expect(calls).toEqual([['x', 'y'], ['x', 'y']])
  presence.close()
  release()
  await vi.advanceTimersByTimeAsync(1_000)
  expect(calls).toHaveLength(2)
})

test('reads the presence any process marked; a failed read is told and counts as present for the abandon time', async () => {
  const relay = new MemoryConversationRelay()
  const errors: Error[] = []
  const presence = consumerPresence(relay, 400, () => [], (error) => errors.push(error))
  await relay.markPresent(['x'], 400)
  vi.advanceTimersByTime(100)
  expect(await presence.left('x')).toBe(300)
  expect(await presence.left('y')).toBe(0)
  vi.spyOn(relay, 'presence').mockRejectedValueOnce(new Error('Redis away'))
  expect(await presence.left('y')).toBe(400)
  expect(errors.map((e) => e.message)).toEqual(['Redis away'])
  presence.close()
})

test('without a relay nobody is present elsewhere and nothing is renewed', async () => {
  const presence = consumerPresence(undefined, 400, () => ['x'], () => undefined)
  expect(await presence.left('x')).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
  presence.close()
})
