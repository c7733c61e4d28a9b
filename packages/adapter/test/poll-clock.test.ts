// The process-wide poll clock under vitest fake timers: order, cancellation, one native timer, re-entrancy, errors.
import { timer } from 'rxjs'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { type ClockEntry, PollClock } from '../src/poll-clock.js'

describe('PollClock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  test('runs actions in due order, ties in scheduling order; now() is Date.now()', () => {
    const clock = new PollClock()
    const ran: string[] = []
    clock.schedule(() => ran.push(`c@${clock.now()}`), 30)
    clock.schedule(() => ran.push(`a@${clock.now()}`), 10)
    clock.schedule(() => ran.push(`b1@${clock.now()}`), 20)
    clock.schedule(() => ran.push(`b2@${clock.now()}`), 20)
    expect(clock.now()).toBe(Date.now())
    vi.advanceTimersByTime(30)
    expect(ran).toEqual(['a@1000010', 'b1@1000020', 'b2@1000020', 'c@1000030'])
    expect(clock.pending).toBe(0)
  })

  test('many pending actions use one native timer; cancelling takes an action out at once', () => {
    const clock = new PollClock()
    const ran: number[] = []
    const subscriptions = Array.from({ length: 1000 }, (_, i) => clock.schedule(() => ran.push(i), 1 + (i % 100)))
    expect(vi.getTimerCount()).toBe(1)
    expect(clock.pending).toBe(1000)
    for (const [i, subscription] of subscriptions.entries()) if (i % 2 === 1) subscription.unsubscribe()
    expect(clock.pending).toBe(500)
    vi.advanceTimersByTime(100)
    expect(ran).toHaveLength(500)
    expect(ran.every((i) => i % 2 === 0)).toBe(true)
    // Due order: i % 100 ascending, then scheduling order.
    expect(ran.slice(0, 3)).toEqual([0, 100, 200])
  })

  test('with nothing pending no timer is armed (the process may exit); the last cancellation disarms it', () => {
    const clock = new PollClock()
    const only = clock.schedule(() => undefined, 60_000)
    expect(vi.getTimerCount()).toBe(1)
    only.unsubscribe()
    expect(vi.getTimerCount()).toBe(0)
    expect(clock.pending).toBe(0)
  })

  test('an earlier action re-arms the timer for itself', () => {
    const clock = new PollClock()
    const ran: string[] = []
    clock.schedule(() => ran.push('late'), 1000)
    clock.schedule(() => ran.push('early'), 5)
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(5)
    expect(ran).toEqual(['early'])
    vi.advanceTimersByTime(995)
    expect(ran).toEqual(['early', 'late'])
  })

  test('re-entrancy: an action scheduled (or rescheduled) from inside a due action runs at a later wake-up, never in the same one', () => {
    const clock = new PollClock()
    const ran: string[] = []
    clock.schedule(() => {
      ran.push('outer')
      clock.schedule(() => ran.push('inner'), 0)
    }, 10)
    let count = 0
    clock.schedule(function (this: { schedule(state?: unknown, delay?: number): unknown }) {
      count += 1
      ran.push(`self ${count}`)
      if (count < 3) this.schedule(undefined, 0)
    }, 10)
    vi.advanceTimersByTime(10)
    expect(ran).toEqual(['outer', 'self 1'])
    vi.advanceTimersByTime(1)
    expect(ran).toEqual(['outer', 'self 1', 'inner', 'self 2'])
    vi.advanceTimersByTime(1)
    expect(ran).toEqual(['outer', 'self 1', 'inner', 'self 2', 'self 3'])
    expect(clock.pending).toBe(0)
  })

  test('an action that throws does not stop the others due with it; the error surfaces from the timer; later actions still run', () => {
    const clock = new PollClock()
    const ran: string[] = []
    clock.schedule(() => ran.push('before'), 10)
    clock.schedule(() => {
      throw new Error('boom')
    }, 10)
    clock.schedule(() => ran.push('after'), 10)
    clock.schedule(() => ran.push('later'), 20)
    expect(() => vi.advanceTimersByTime(10)).toThrow('boom')
    expect(ran).toEqual(['before', 'after'])
    vi.advanceTimersByTime(10)
    expect(ran).toEqual(['before', 'after', 'later'])
  })

  test('drives RxJS operators (timer with a period reschedules its action)', () => {
    const clock = new PollClock()
    const values: number[] = []
    const subscription = timer(5, 10, clock).subscribe((v) => values.push(v))
    vi.advanceTimersByTime(35)
    expect(values).toEqual([0, 1, 2, 3])
    expect(clock.pending).toBe(1)
    subscription.unsubscribe()
    expect(clock.pending).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('PollClock across fake-timer installs', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  test('a timer armed under fake timers since uninstalled is taken for lost once long overdue, and replaced', () => {
    const clock = new PollClock()
    const ran: string[] = []
    vi.useFakeTimers({ now: 1_000_000 })
    clock.schedule(() => ran.push('first'), 10)
    vi.useRealTimers()
    // A new fake clock 5 s later: the first timer is gone with the old one, never to fire.
    vi.useFakeTimers({ now: 1_005_000 })
    clock.schedule(() => ran.push('second'), 20)
    vi.advanceTimersByTime(20)
    expect(ran).toEqual(['first', 'second'])
  })
})

describe('a clock entry', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  test('is enqueued again and again: enqueuing moves it, dequeuing takes it out', () => {
    const clock = new PollClock()
    const fired: number[] = []
    const entry: ClockEntry = { due: 0, seq: 0, index: -1, run: () => fired.push(clock.now()) }
    clock.enqueue(entry, 30)
    clock.enqueue(entry, 10)
    expect(clock.pending).toBe(1)
    vi.advanceTimersByTime(30)
    expect(fired).toEqual([1_000_010])
    clock.enqueue(entry, 5)
    clock.dequeue(entry)
    expect([clock.pending, vi.getTimerCount(), entry.index]).toEqual([0, 0, -1])
    clock.enqueue(entry, 5)
    vi.advanceTimersByTime(5)
    expect(fired).toEqual([1_000_010, 1_000_035])
  })

  test('is due in whole milliseconds of elapsed time: a fraction rounds up, an epoch time is never stored', () => {
    const clock = new PollClock()
    const entry: ClockEntry = { due: 0, seq: 0, index: -1, run: () => undefined }
    vi.advanceTimersByTime(7)
    clock.enqueue(entry, 2.25)
    expect([entry.due, clock.timeAt(entry.due)]).toEqual([10, 1_000_010])
    expect(clock.elapsed()).toBe(7)
    clock.dequeue(entry)
  })
})
