import { BehaviorSubject, type Observable, Subject } from 'rxjs'
import { describe, expect, test } from 'vitest'
import { ConnectionSignals } from '../src/connection-signals.js'

type Step = { readonly announce: string } | { readonly error: string } | 'close' | 'complete' | `watch ${'closed' | 'added' | 'current' | 'errors'}`

// What the subjects the signals replace did: made up front, fed whether anyone listened or not.
class Eager {
  readonly closed$ = new BehaviorSubject(false)
  readonly added$ = new Subject<string>()
  readonly current$ = new BehaviorSubject<string | undefined>(undefined)
  readonly errors$ = new Subject<unknown>()
  announce(conversation: string): void {
    this.current$.next(conversation)
    this.added$.next(conversation)
  }
  error(error: unknown): void {
    this.errors$.next(error)
  }
  close(): void {
    this.closed$.next(true)
  }
  complete(): void {
    for (const subject of [this.added$, this.current$, this.errors$]) subject.complete()
  }
}

function run(signals: ConnectionSignals<string> | Eager, steps: readonly Step[]): string[] {
  const seen: string[] = []
  for (const step of steps) {
    if (step === 'close') signals.close()
    else if (step === 'complete') signals.complete()
    else if (typeof step === 'string') {
      const name = step.slice('watch '.length) as 'closed' | 'added' | 'current' | 'errors'
      const stream: Observable<unknown> = signals[`${name}$`]
      stream.subscribe({ next: (value) => seen.push(`${name} ${String(value)}`), complete: () => seen.push(`${name} done`) })
    } else if ('announce' in step) signals.announce(step.announce)
    else signals.error(step.error)
  }
  return seen
}

describe('ConnectionSignals', () => {
  const scripts: readonly (readonly Step[])[] = [
    [{ announce: 'a' }, { error: 'lost' }, 'watch current', 'watch added', 'watch errors', { announce: 'b' }, { error: 'late' }, 'close', 'complete'],
    ['watch closed', 'close', 'watch closed', 'complete', 'watch added', 'watch current', 'watch errors'],
    ['close', { announce: 'a' }, 'watch closed', 'watch current', 'complete', { announce: 'b' }],
    ['watch current', 'watch errors', 'complete', { error: 'after' }, 'watch errors'],
  ]

  test.each(scripts.map((script, i) => [i, script] as const))('streams made on demand behave as the subjects made up front (script %i)', (_, script) => {
    expect(run(new ConnectionSignals<string>(), script)).toEqual(run(new Eager(), script))
  })

  test('closed is a plain field, true once closed', () => {
    const signals = new ConnectionSignals<string>()
    expect(signals.closed).toBe(false)
    signals.close()
    expect(signals.closed).toBe(true)
  })
})
