// The visitor's typing state while a person types in `chatbridge chat`: a pure RxJS decision, so
// the debounce is tested on virtual time and the command only feeds it keystrokes and sent lines.
import { type Observable, type SchedulerLike, asyncScheduler, concat, distinctUntilChanged, map, merge, of, skip, startWith, switchMap, timer } from 'rxjs'

/** The visitor's typing state as legacy chat knows it. */
export type TypingState = 'typing' | 'not-typing'

/**
 * `typing` on the first keystroke, `not-typing` after `quietMs` without one or as soon as a line is
 * sent; only changes are emitted (the first state is `not-typing`, so nothing comes before a keystroke).
 */
export function typingStates(keystrokes$: Observable<unknown>, sent$: Observable<unknown>, quietMs: number, scheduler: SchedulerLike = asyncScheduler): Observable<TypingState> {
  const typed$ = keystrokes$.pipe(switchMap(() => concat(of<TypingState>('typing'), timer(quietMs, scheduler).pipe(map((): TypingState => 'not-typing')))))
  const sent = sent$.pipe(map((): TypingState => 'not-typing'))
  return merge(typed$, sent).pipe(startWith<TypingState>('not-typing'), distinctUntilChanged(), skip(1))
}

/** Whether a chunk of input holds typing not yet sent: characters after its last line break. */
export function isPartialLine(chunk: string): boolean {
  return /[^\r\n]$/.test(chunk)
}
