import { TestScheduler } from 'rxjs/testing'
import { describe, expect, test } from 'vitest'
import { isPartialLine, typingStates } from '../src/typing-state.js'

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected))

describe('the visitor typing state in chatbridge chat', () => {
  test('typing on the first keystroke, once; not-typing after the quiet period', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const keys = cold('  k 99ms k 99ms k')
      const sent = cold('  -')
      // keystrokes at 0, 100, 200: one `typing`; quiet 300 ms after the last → 500.
      expectObservable(typingStates(keys, sent, 300)).toBe('t 499ms n', { t: 'typing', n: 'not-typing' })
    })
  })

  test('a line sent ends typing at once, and the quiet timer adds nothing; the next keystroke types again', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const keys = cold('k 9ms k 189ms k')
      const sent = cold('50ms s')
      expectObservable(typingStates(keys, sent, 300)).toBe('t 49ms n 149ms t 299ms n', { t: 'typing', n: 'not-typing' })
    })
  })

  test('nothing before a keystroke, even when a line is sent', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(typingStates(cold('-'), cold('s 10ms s'), 300)).toBe('')
    })
  })

  test('only a chunk with characters after its last line break is typing', () => {
    expect(isPartialLine('hel')).toBe(true)
    expect(isPartialLine('hello\n')).toBe(false)
    expect(isPartialLine('first\nsec')).toBe(true)
    expect(isPartialLine('')).toBe(false)
  })
})
