import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { DeadlineHeap, type Timed } from '../src/deadline-heap.js'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** An item that records when it was woken and answers the deadlines it is given, in turn. */
function item(name: string, woken: string[], next: number[] = []): Timed {
  return { deadline: Infinity, slot: -1, due: (now) => (woken.push(`${name}@${now}`), next.shift() ?? Infinity) }
}

test('items are woken in deadline order, on one timer, and each answers its next deadline', async () => {
  const heap = new DeadlineHeap(() => Date.now())
  const start = Date.now()
  const woken: string[] = []
  const items = [item('a', woken, [start + 350]), item('b', woken), item('c', woken), item('d', woken)]
  for (const [i, deadline] of [300, 100, 200, 400].entries()) heap.set(items[i] as Timed, start + deadline)
  expect(vi.getTimerCount()).toBe(1)
  await vi.advanceTimersByTimeAsync(1_000)
  expect(woken.map((entry) => entry.split('@')[0])).toEqual(['b', 'c', 'a', 'a', 'd'])
  expect(woken).toEqual([`b@${start + 100}`, `c@${start + 200}`, `a@${start + 300}`, `a@${start + 350}`, `d@${start + 400}`])
  expect(vi.getTimerCount()).toBe(0)
})

test('a deadline moved earlier or later, or deleted, is woken accordingly; close stops the timer', async () => {
  const heap = new DeadlineHeap(() => Date.now())
  const start = Date.now()
  const woken: string[] = []
  const [a, b, c] = [item('a', woken), item('b', woken), item('c', woken)] as [Timed, Timed, Timed]
  heap.set(a, start + 500)
  heap.set(b, start + 600)
  heap.set(c, start + 700)
  heap.set(c, start + 100)
  heap.set(a, start + 900)
  heap.delete(b)
  heap.delete(b)
  await vi.advanceTimersByTimeAsync(1_000)
  expect(woken).toEqual([`c@${start + 100}`, `a@${start + 900}`])
  heap.set(a, start + 2_000)
  heap.set(b, Infinity)
  heap.close()
  expect(vi.getTimerCount()).toBe(0)
  await vi.advanceTimersByTimeAsync(2_000)
  expect(woken).toHaveLength(2)
})

test('an item answering a deadline already past is woken again a millisecond later, not at once', async () => {
  const heap = new DeadlineHeap(() => Date.now())
  const start = Date.now()
  const woken: string[] = []
  heap.set(item('a', woken, [start]), start + 10)
  await vi.advanceTimersByTimeAsync(10)
  expect(woken).toEqual([`a@${start + 10}`])
  await vi.advanceTimersByTimeAsync(1)
  expect(woken).toEqual([`a@${start + 10}`, `a@${start + 11}`])
})

test('many items keep heap order whatever the order of their changes', async () => {
  const heap = new DeadlineHeap(() => Date.now())
  const start = Date.now()
  const woken: string[] = []
  const deadlines = Array.from({ length: 200 }, (_, i) => ((i * 7919) % 200) + 1)
  const items = deadlines.map((_, i) => item(String(i), woken))
  for (const [i, deadline] of deadlines.entries()) heap.set(items[i] as Timed, start + deadline * 10)
  for (const [i, deadline] of deadlines.entries()) if (i % 3 === 0) heap.set(items[i] as Timed, start + deadline * 5)
  for (const [i] of deadlines.entries()) if (i % 5 === 0) heap.delete(items[i] as Timed)
  await vi.advanceTimersByTimeAsync(5_000)
  const times = woken.map((entry) => Number(entry.split('@')[1]))
  expect(times).toEqual([...times].sort((x, y) => x - y))
  expect(woken).toHaveLength(deadlines.filter((_, i) => i % 5 !== 0).length)
})
