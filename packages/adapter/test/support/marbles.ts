import { TestScheduler } from 'rxjs/testing'
import { expect } from 'vitest'
import type { Observable } from 'rxjs'
import type { ChatPollerOptions, PollCursor, PollSupplier, PollerOutput } from '../../src/chat-poller.js'
import type { LegacySnapshot } from '../../src/legacy-contract.js'

/** A TestScheduler that compares with vitest's deep equality. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected))
}

/**
 * Poller timing in virtual milliseconds: chatting 5, waiting 20 at a fixed pace (`idleGrowth: 1`;
 * tests of pacing by activity override it), backoff base 40 ×2 up to 1000, jitter 0.5.
 */
export function marbleConfig(scheduler: TestScheduler, overrides: Partial<ChatPollerOptions['pacing']> = {}): ChatPollerOptions {
  return {
    pacing: { chattingMs: 5, waitingMs: 20, keepAliveFraction: 1 / 3, minKeepAliveMs: 1, defaultChatTimeoutS: 40, idleGrowth: 1, ...overrides },
    backoff: { baseMs: 40, factor: 2, maxMs: 1000 },
    random: () => 0.5,
    scheduler,
  }
}

/**
 * {@link marbleConfig} with the default pacing by activity (no `idleGrowth`: ×2.5 up to 7 × chattingMs
 * while quiet), the first wait at the ceiling not spread (`idleSpread: false`, unless overridden) so
 * the marbles stay exact; the spread has tests of its own.
 */
export function activityMarbleConfig(scheduler: TestScheduler, overrides: Partial<ChatPollerOptions['pacing']> = {}): ChatPollerOptions {
  const config = marbleConfig(scheduler, { idleSpread: false, ...overrides })
  const { idleGrowth, ...pacing } = config.pacing
  return { ...config, pacing: overrides.idleGrowth === undefined || idleGrowth === undefined ? pacing : { ...pacing, idleGrowth } }
}

/** One line per output, so marbles can name them. */
export function summarize(output: PollerOutput): string {
  switch (output.kind) {
    case 'page':
      return `page [${output.events.map((e) => e.id).join(',')}]`
    case 'error':
      return 'error'
    case 'state': {
      const state = output.state
      if (state.status === 'backing-off') return `backing-off ${state.retryInMs}ms #${state.attempt}`
      if (state.status === 'closed') return `closed ${state.reason}`
      return state.status
    }
  }
}

/** A supplier answering call n with `answers[n]`, recording the cursors it was asked for. */
export function scripted(answers: readonly Observable<LegacySnapshot>[], cursors: PollCursor[] = []): { supplier: PollSupplier; cursors: PollCursor[] } {
  return {
    cursors,
    supplier: (cursor) => {
      cursors.push(cursor)
      const answer = answers[cursors.length - 1]
      if (answer === undefined) throw new Error(`unexpected poll #${cursors.length}`)
      return answer
    },
  }
}
