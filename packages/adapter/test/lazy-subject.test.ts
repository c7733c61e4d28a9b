import type { Observable} from 'rxjs';
import { BehaviorSubject, ReplaySubject, Subject, Subscription, VirtualTimeScheduler, config, take } from 'rxjs'
import { describe, expect, test, vi } from 'vitest'
import { HeldLoop, type LoopRun, type LoopStarter } from '../src/held-loop.js'
import { type LazyKind, LazySubject } from '../src/lazy-subject.js'

type Step = { readonly next: number } | 'complete' | { readonly error: string } | 'subscribe'

// What each subscriber saw, for a script of nexts, ends and subscriptions at any point.
function run(subject: { next(v: number): void; complete(): void; error(e: unknown): void; subscribe: Observable<number>['subscribe'] }, steps: readonly Step[]): string[][] {
  const seen: string[][] = []
  for (const step of steps) {
    if (step === 'subscribe') {
      const log: string[] = []
      seen.push(log)
      subject.subscribe({ next: (v) => log.push(String(v)), error: (e: unknown) => log.push(`error ${String(e)}`), complete: () => log.push('complete') })
    } else if (step === 'complete') subject.complete()
    else if ('next' in step) subject.next(step.next)
    else subject.error(step.error)
  }
  return seen
}

const scripts: readonly (readonly Step[])[] = [
  ['subscribe', { next: 1 }, { next: 2 }, 'subscribe', 'complete', 'subscribe'],
  [{ next: 1 }, { next: 2 }, 'subscribe', { next: 3 }, 'subscribe'],
  [{ next: 1 }, 'complete', 'subscribe', { next: 2 }],
  [{ next: 1 }, { error: 'boom' }, 'subscribe', 'subscribe'],
  ['subscribe', { error: 'boom' }, { next: 1 }, 'subscribe'],
  [{ next: 1 }, 'subscribe'],
]

const real: Record<LazyKind, () => Subject<number>> = {
  subject: () => new Subject<number>(),
  replay: () => new ReplaySubject<number>(1),
  behavior: () => new BehaviorSubject<number>(0),
}

describe('LazySubject', () => {
  test.each(['subject', 'replay', 'behavior'] as const)('behaves as the RxJS %s it stands for, whenever the first subscriber comes', (kind) => {
    for (const script of scripts) {
      const lazy = kind === 'behavior' ? new LazySubject<number>(kind, 0) : new LazySubject<number>(kind)
      expect(run(lazy, script)).toEqual(run(real[kind](), script))
    }
  })

  test.each(['subject', 'replay', 'behavior'] as const)('as the RxJS %s: a subscriber leaving during its first value or during a next is not called again', (kind) => {
    const script = (subject: Observable<number> & { next(v: number): void }): string[] => {
      const log: string[] = []
      subject.next(1)
      subject.pipe(take(1)).subscribe((v) => log.push(`first ${v}`))
      const b = subject.subscribe((v) => log.push(`b ${v}`))
      subject.subscribe((v) => {
        log.push(`c ${v}`)
        b.unsubscribe()
      })
      subject.next(2)
      subject.next(3)
      return log
    }
    const lazy = kind === 'behavior' ? new LazySubject<number>(kind, 0) : new LazySubject<number>(kind)
    expect(script(lazy)).toEqual(script(real[kind]()))
  })

  test.each(['subject', 'replay', 'behavior'] as const)('as the RxJS %s, one subscribing or leaving during an emission changes only later emissions', (kind) => {
    const seen = (subject: { next(v: number): void; subscribe: Observable<number>['subscribe'] }): string[] => {
      const log: string[] = []
      const first = subject.subscribe((v) => {
        log.push(`a${v}`)
        if (v === 1) subject.subscribe((w) => log.push(`c${w}`))
        if (v === 2) second.unsubscribe()
      })
      const second = subject.subscribe((v) => log.push(`b${v}`))
      subject.next(1)
      subject.next(2)
      subject.next(3)
      first.unsubscribe()
      subject.next(4)
      return log
    }
    const lazy = kind === 'behavior' ? new LazySubject<number>(kind, 0) : new LazySubject<number>(kind)
    expect(seen(lazy)).toEqual(seen(real[kind]()))
  })

  test('join adds an observer with no removal object: remove takes it off; an ended one is not kept', () => {
    const lazy = new LazySubject<number>('replay', 1)
    const seen: string[] = []
    const observer = { next: (v: number) => seen.push(`next ${v}`), error: () => seen.push('error'), complete: () => seen.push('complete') }
    expect(lazy.join(observer)).toBe(true)
    lazy.next(2)
    lazy.remove(observer)
    lazy.next(3)
    lazy.complete()
    expect(seen).toEqual(['next 1', 'next 2'])
    // Joining the ended one replays its last value and ends the observer, keeping nothing.
    expect(lazy.join(observer)).toBe(false)
    expect(seen).toEqual(['next 1', 'next 2', 'next 3', 'complete'])
  })

  test('keeps the latest value without a subscriber', () => {
    const lazy = new LazySubject<number>('replay')
    lazy.next(4)
    expect(lazy.value).toBe(4)
  })
})

describe('HeldLoop', () => {
  function loop(): { held: HeldLoop; starts: LoopRun<never>[]; stops: () => number; scheduler: VirtualTimeScheduler } {
    const scheduler = new VirtualTimeScheduler()
    const starts: LoopRun<never>[] = []
    let stopped = 0
    const starter: LoopStarter<never> = {
      startLoop: (run) => {
        starts.push(run)
        return new Subscription(() => (stopped += 1))
      },
      applyOutput: () => undefined,
    }
    const held = new HeldLoop(starter, 100, scheduler)
    return { held, starts, stops: () => stopped, scheduler }
  }

  const quiet = { next: () => undefined, error: () => undefined, complete: () => undefined }
  const watching = (held: HeldLoop, observer: { next(v: number): void; error(e: unknown): void; complete(): void } = quiet) => held.watch(new LazySubject<number>('subject'), observer)

  test('one loop for overlapping holders; stopped a grace period after the last leaves unless one comes back', () => {
    const { held, starts, stops, scheduler } = loop()
    const a = watching(held)
    const b = watching(held)
    expect(starts).toHaveLength(1)
    a.unsubscribe()
    b.unsubscribe()
    scheduler.schedule(() => watching(held), 50)
    scheduler.flush()
    expect(stops()).toBe(0)
    expect(starts).toHaveLength(1)
  })

  test('stops after the grace; a failure errors the holders and the next holder restarts; a completed loop is not restarted', () => {
    const { held, starts, stops, scheduler } = loop()
    watching(held).unsubscribe()
    scheduler.flush()
    expect(stops()).toBe(1)
    const errors: unknown[] = []
    watching(held, { ...quiet, error: (e: unknown) => errors.push(e) })
    starts[1]?.error('down')
    expect(errors).toEqual(['down'])
    watching(held)
    expect(starts).toHaveLength(3)
    starts[2]?.complete()
    watching(held)
    expect(starts).toHaveLength(3)
  })

  test('a keeper holds the loop as a watch does, once however often it keeps; a failure lets it go; a released keeper starts the grace', () => {
    const { held, starts, stops, scheduler } = loop()
    const keeper = {}
    held.keep(keeper)
    held.keep(keeper)
    const watch = watching(held)
    expect(starts).toHaveLength(1)
    watch.unsubscribe()
    scheduler.flush()
    expect(stops()).toBe(0)
    held.release(keeper)
    scheduler.flush()
    expect(stops()).toBe(1)
    held.keep(keeper)
    expect(starts).toHaveLength(2)
    starts[1]?.error('down')
    // Dropped by the failure: the next watch alone holds the loop.
    const again = watching(held)
    expect(starts).toHaveLength(3)
    again.unsubscribe()
    scheduler.flush()
    expect(stops()).toBe(3)
  })

  test('a watch hears nothing once stopped or ended, and a source that ended at once holds no loop', () => {
    const { held, starts } = loop()
    const source = new LazySubject<number>('subject')
    const seen: string[] = []
    const watch = held.watch(source, { next: (v) => seen.push(String(v)), error: () => seen.push('error'), complete: () => seen.push('complete') })
    source.next(1)
    watch.unsubscribe()
    source.next(2)
    expect(seen).toEqual(['1'])
    const ended = new LazySubject<number>('subject')
    ended.complete()
    held.watch(ended, { ...quiet, complete: () => seen.push('ended') })
    expect(seen).toEqual(['1', 'ended'])
    expect(starts).toHaveLength(1)
  })

  test('a starter that throws taking a value fails its run: the holders error, the next watch starts the loop again', () => {
    const runs: LoopRun<number>[] = []
    const starter: LoopStarter<number> = {
      startLoop: (run) => {
        runs.push(run)
        return new Subscription()
      },
      applyOutput: (value) => {
        if (value < 0) throw new Error('bad value')
      },
    }
    const held = new HeldLoop<number>(starter, 100, new VirtualTimeScheduler())
    const ends: string[] = []
    held.watch(new LazySubject<number>('subject'), { ...quiet, error: (error: unknown) => ends.push((error as Error).message), complete: () => ends.push('complete') })
    runs[0]?.next(1)
    expect(ends).toEqual([])
    runs[0]?.next(-1)
    expect(ends).toEqual(['bad value'])
    held.watch(new LazySubject<number>('subject'), quiet)
    expect(runs).toHaveLength(2)
  })

  test("an observer that throws is reported as RxJS reports a subscriber's throw; the loop and the other watches go on", () => {
    vi.useFakeTimers()
    const reported: unknown[] = []
    config.onUnhandledError = (error) => reported.push(error)
    try {
      const { held, starts, stops } = loop()
      const source = new LazySubject<number>('subject')
      const seen: number[] = []
      held.watch(source, { ...quiet, next: () => { throw new Error('listener broke') } })
      held.watch(source, { ...quiet, next: (v) => seen.push(v) })
      source.next(7)
      vi.runAllTimers()
      expect(reported).toEqual([new Error('listener broke')])
      expect(seen).toEqual([7])
      expect(starts).toHaveLength(1)
      expect(stops()).toBe(0)
    } finally {
      config.onUnhandledError = null
      vi.useRealTimers()
    }
  })
})

describe('LazySubject.add with a plain observer (no RxJS subscriber)', () => {
  const plain = (log: string[]) => ({ next: (v: number) => log.push(String(v)), error: (e: unknown) => log.push(`error ${String(e)}`), complete: () => log.push('complete') })

  test('gets what an RxJS subscriber would, until it is taken off', () => {
    const subject = new LazySubject<number>('replay')
    subject.next(1)
    const log: string[] = []
    const removal = subject.add(plain(log))
    subject.next(2)
    removal?.unsubscribe()
    subject.next(3)
    expect(log).toEqual(['1', '2'])
  })

  test('one added after the end is ended at once, with nothing to take off', () => {
    const subject = new LazySubject<number>('subject')
    subject.error('boom')
    const log: string[] = []
    expect(subject.add(plain(log))).toBeUndefined()
    expect(log).toEqual(['error boom'])
  })
})
