import { BehaviorSubject, type Observable, Subject } from 'rxjs'
import { describe, expect, test } from 'vitest'
import type { ChatFeed } from '../src/chat-feed.js'
import { ConnectionSignals } from '../src/connection-signals.js'
import type { EachWatcher } from '../src/each-conversation.js'

// A stand-in conversation, told apart by its name.
interface Named {
  readonly feed: ChatFeed
  readonly name: string
}
const named = (name: string): Named => ({ feed: {} as ChatFeed, name })
const show = (value: unknown): string => (typeof value === 'object' && value !== null && 'name' in value ? String(value.name) : String(value))

type Step = { readonly announce: string } | { readonly error: string } | 'close' | 'complete' | `watch ${'closed' | 'current' | 'errors'}`

// What the subjects the signals replace did: made up front, fed whether anyone listened or not.
class Eager {
  readonly closed$ = new BehaviorSubject(false)
  readonly current$ = new BehaviorSubject<Named | undefined>(undefined)
  readonly errors$ = new Subject<unknown>()
  announce(conversation: Named): void {
    this.current$.next(conversation)
  }
  error(error: unknown): void {
    this.errors$.next(error)
  }
  close(): void {
    this.closed$.next(true)
  }
  complete(): void {
    for (const subject of [this.current$, this.errors$]) subject.complete()
  }
}

function run(signals: ConnectionSignals<Named> | Eager, steps: readonly Step[]): string[] {
  const seen: string[] = []
  for (const step of steps) {
    if (step === 'close') signals.close()
    else if (step === 'complete') signals.complete()
    else if (typeof step === 'string') {
      const name = step.slice('watch '.length) as 'closed' | 'current' | 'errors'
      const stream: Observable<unknown> = signals[`${name}$`]
      stream.subscribe({ next: (value) => seen.push(`${name} ${show(value)}`), complete: () => seen.push(`${name} done`) })
    } else if ('announce' in step) signals.announce(named(step.announce))
    else signals.error(step.error)
  }
  return seen
}

const none = { values: (): Iterable<Named> => [] }

describe('ConnectionSignals', () => {
  const scripts: readonly (readonly Step[])[] = [
    [{ announce: 'a' }, { error: 'lost' }, 'watch current', 'watch errors', { announce: 'b' }, { error: 'late' }, 'close', 'complete'],
    ['watch closed', 'close', 'watch closed', 'complete', 'watch current', 'watch errors'],
    ['close', { announce: 'a' }, 'watch closed', 'watch current', 'complete', { announce: 'b' }],
    ['watch current', 'watch errors', 'complete', { error: 'after' }, 'watch errors'],
  ]

  test.each(scripts.map((script, i) => [i, script] as const))('streams made on demand behave as the subjects made up front (script %i)', (_, script) => {
    expect(run(new ConnectionSignals<Named>(none), script)).toEqual(run(new Eager(), script))
  })

  test('closed is a plain field, true once closed', () => {
    const signals = new ConnectionSignals<Named>(none)
    expect(signals.closed).toBe(false)
    signals.close()
    expect(signals.closed).toBe(true)
  })

  test('watchers hear each conversation announced and the close until they leave; one watching after the close hears it at once', () => {
    const signals = new ConnectionSignals<Named>(none)
    const seen: string[] = []
    const watcher = (name: string): EachWatcher => ({
      added: (conversation) => seen.push(`${name} added ${show(conversation)}`),
      closed: () => seen.push(`${name} closed`),
      complete: () => seen.push(`${name} complete`),
    })
    const one = watcher('one')
    const two = watcher('two')
    signals.watch(one)
    signals.watch(two)
    signals.announce(named('a'))
    signals.unwatch(one)
    signals.announce(named('b'))
    signals.close()
    signals.watch(watcher('late'))
    expect(seen).toEqual(['one added a', 'two added a', 'two added b', 'two closed', 'late closed'])
  })
})
