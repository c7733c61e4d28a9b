import { BehaviorSubject, EMPTY, type Observable, type Observer, Subject, type Subscription, catchError, defer, filter, from, merge, mergeMap, takeUntil } from 'rxjs'
import { describe, expect, test } from 'vitest'
import type { ChatFeed } from '../src/chat-feed.js'
import { type EachSource, type EachWatcher, fromEach } from '../src/each-conversation.js'

// A stand-in conversation: its "feed" is the subject its stream reads.
interface Fake {
  readonly feed: ChatFeed
  readonly values: Subject<string>
}

function fake(): Fake {
  const values = new Subject<string>()
  return { feed: values as unknown as ChatFeed, values }
}

const streamOf = (feed: ChatFeed): Observable<string> => feed as unknown as Subject<string>
const watchOf = (feed: ChatFeed, observer: Observer<string>): Subscription => streamOf(feed).subscribe(observer)

// A source whose watchers follow the two subjects (what the connection's signals replace), so the
// merge can be compared against the operator chain on the same subjects.
function sourceOf(conversations: () => Iterable<Fake>, added: Subject<Fake>, closed: BehaviorSubject<boolean>): EachSource {
  const watching = new Map<EachWatcher, Subscription>()
  return {
    conversations,
    watch: (watcher) => {
      const subscription = closed.subscribe((value) => value && watcher.closed())
      subscription.add(added.subscribe({ next: (c) => watcher.added(c), complete: () => watcher.complete() }))
      watching.set(watcher, subscription)
    },
    unwatch: (watcher) => {
      watching.get(watcher)?.unsubscribe()
      watching.delete(watcher)
    },
  }
}

// The operator chain `fromEach` replaces, to compare against.
function chain(current: Fake[], added: Subject<Fake>, closed: BehaviorSubject<boolean>): Observable<string> {
  return defer(() => merge(from([...current]), added)).pipe(
    mergeMap((c) => streamOf(c.feed).pipe(catchError(() => EMPTY))),
    takeUntil(closed.pipe(filter((value) => value))),
  )
}

type Step = { readonly emit: [number, string] } | { readonly fail: number } | { readonly end: number } | 'add' | 'close' | 'end-added'

function run(kind: 'plain' | 'chain', steps: readonly Step[], startClosed = false): string[] {
  const current = [fake(), fake()]
  const all = [...current]
  const added = new Subject<Fake>()
  const closed = new BehaviorSubject(startClosed)
  const stream = kind === 'plain' ? fromEach(sourceOf(() => current, added, closed), watchOf) : chain(current, added, closed)
  const seen: string[] = []
  const subscription = stream.subscribe({ next: (value) => seen.push(value), error: () => seen.push('error'), complete: () => seen.push('complete') })
  for (const step of steps) {
    if (step === 'add') {
      const conversation = fake()
      all.push(conversation)
      current.push(conversation)
      added.next(conversation)
    } else if (step === 'close') closed.next(true)
    else if (step === 'end-added') added.complete()
    else if ('emit' in step) all[step.emit[0]]?.values.next(step.emit[1])
    else if ('fail' in step) all[step.fail]?.values.error(new Error('gone'))
    else all[step.end]?.values.complete()
  }
  subscription.unsubscribe()
  return seen
}

describe('fromEach', () => {
  const scripts: readonly (readonly Step[])[] = [
    [{ emit: [0, 'a'] }, { emit: [1, 'b'] }, 'add', { emit: [2, 'c'] }, 'close', { emit: [0, 'late'] }],
    [{ fail: 0 }, { emit: [0, 'x'] }, { emit: [1, 'still'] }],
    [{ end: 0 }, { end: 1 }, 'end-added'],
    ['end-added', { emit: [1, 'b'] }, { end: 0 }, { fail: 1 }],
    ['add', { fail: 2 }, { emit: [0, 'a'] }, 'end-added', { end: 0 }, { emit: [1, 'b'] }, { end: 1 }],
  ]
  test.each(scripts.map((script) => [script]))('behaves as the operator chain did: %j', (script) => {
    const plain = run('plain', script)
    expect(plain).toEqual(run('chain', script))
    expect(plain.length).toBeGreaterThan(0)
  })

  test('a closed connection completes at once and reads no stream', () => {
    expect(run('plain', [{ emit: [0, 'a'] }], true)).toEqual(['complete'])
    expect(run('chain', [{ emit: [0, 'a'] }], true)).toEqual(['complete'])
  })

  test('an unsubscribed merge leaves every stream', () => {
    const one = fake()
    const added = new Subject<Fake>()
    const closed = new BehaviorSubject(false)
    const subscription = fromEach(sourceOf(() => [one], added, closed), watchOf).subscribe()
    expect([one.values.observed, added.observed, closed.observed]).toEqual([true, true, true])
    subscription.unsubscribe()
    expect([one.values.observed, added.observed, closed.observed]).toEqual([false, false, false])
  })

  test('a stream that throws as it starts ends its own part only', () => {
    const [one, two] = [fake(), fake()]
    const added = new Subject<Fake>()
    const closed = new BehaviorSubject(false)
    const seen: string[] = []
    const failing = (feed: ChatFeed, observer: Observer<string>): Subscription => {
      if (feed === one.feed) throw new Error('cannot start')
      return watchOf(feed, observer)
    }
    const subscription = fromEach(sourceOf(() => [one, two], added, closed), failing).subscribe({ next: (v) => seen.push(v), error: () => seen.push('error') })
    two.values.next('b')
    subscription.unsubscribe()
    expect(seen).toEqual(['b'])
  })
})
