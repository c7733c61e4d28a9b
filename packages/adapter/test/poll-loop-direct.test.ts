// The poll loop over a supplier's promise form: one signal per run, aborted only with a request in flight; idle pages commit nothing.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { pollChat, sessionSupplier } from '../src/chat-poller.js'
import type { LegacySnapshot } from '../src/legacy-contract.js'
import { PollClock } from '../src/poll-clock.js'
import { cursorHolder } from '../src/poll-cursor.js'
import type { ChatPollerOptions, PollerOutput } from '../src/poller-types.js'
import { info, lineEvent, snapshot, stateEvent } from './support/legacy-builders.js'

const chatting = info({ state: 'chatting', agentId: 'a-7' })

function config(clock: PollClock): ChatPollerOptions {
  return {
    pacing: { chattingMs: 5, waitingMs: 20, keepAliveFraction: 1 / 3, minKeepAliveMs: 1, defaultChatTimeoutS: 40, idleGrowth: 1 },
    backoff: { baseMs: 40, factor: 2, maxMs: 1000 },
    random: () => 0.5,
    scheduler: clock,
  }
}

/** A session answering `pages[n]` for poll n (a pending promise once they run out), recording each poll's signal. */
function session(pages: readonly LegacySnapshot[]): {
  snapshot: (options?: { signal?: AbortSignal }) => Promise<LegacySnapshot>
  followNext: (next: URL, options?: { signal?: AbortSignal }) => Promise<LegacySnapshot>
  signals: AbortSignal[]
} {
  const signals: AbortSignal[] = []
  const answer = (options?: { signal?: AbortSignal }): Promise<LegacySnapshot> => {
    if (options?.signal !== undefined) signals.push(options.signal)
    const page = pages[signals.length - 1]
    return page === undefined ? new Promise<LegacySnapshot>(() => undefined) : Promise.resolve(page)
  }
  return { snapshot: answer, followNext: (_next, options) => answer(options), signals }
}

function kinds(outputs: readonly PollerOutput[]): string[] {
  return outputs.map((output) => (output.kind === 'page' ? `page [${output.events.map((e) => e.id).join(',')}]` : output.kind === 'state' ? output.state.status : 'error'))
}

describe('pollChat over sessionSupplier (its promise form)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  test('every poll of a run gets the same signal; unsubscribing with a request in flight aborts it', async () => {
    const chat = session([snapshot([stateEvent(0, 'chatting')], chatting), snapshot([], chatting), snapshot([lineEvent(1, 'hi', 'agent')], chatting)])
    const outputs: PollerOutput[] = []
    const subscription = pollChat(sessionSupplier(chat), { from: 0, next: undefined }, config(new PollClock())).subscribe((output) => outputs.push(output))
    // Polls at 0, 5, 10 and 15: the last one finds no answer and is still in flight.
    await vi.advanceTimersByTimeAsync(16)
    expect(kinds(outputs)).toEqual(['connecting', 'live', 'page [0]', 'page []', 'page [1]'])
    expect(chat.signals).toHaveLength(4)
    expect(new Set(chat.signals).size).toBe(1)
    expect(chat.signals[0]?.aborted).toBe(false)
    subscription.unsubscribe()
    expect(chat.signals[0]?.aborted).toBe(true)
  })

  test('unsubscribing during a wait aborts nothing; an answer after unsubscribing is dropped', async () => {
    let answer: ((page: LegacySnapshot) => void) | undefined
    const signals: AbortSignal[] = []
    const chat = {
      snapshot: (options?: { signal?: AbortSignal }) => {
        if (options?.signal !== undefined) signals.push(options.signal)
        return signals.length === 1 ? Promise.resolve(snapshot([stateEvent(0, 'chatting')], chatting)) : new Promise<LegacySnapshot>((resolve) => (answer = resolve))
      },
      followNext: () => Promise.reject(new Error('not followed')),
    }
    const outputs: PollerOutput[] = []
    const waiting = pollChat(sessionSupplier(chat), { from: 0, next: undefined }, config(new PollClock())).subscribe((output) => outputs.push(output))
    await vi.advanceTimersByTimeAsync(1)
    waiting.unsubscribe()
    expect(signals[0]?.aborted).toBe(false)
    expect(vi.getTimerCount()).toBe(0)

    const inFlight = pollChat(sessionSupplier(chat), { from: 0, next: undefined }, config(new PollClock())).subscribe((output) => outputs.push(output))
    await vi.advanceTimersByTimeAsync(1)
    inFlight.unsubscribe()
    answer?.(snapshot([lineEvent(0, 'late', 'agent')], chatting))
    await vi.advanceTimersByTimeAsync(10)
    expect(kinds(outputs)).toEqual(['connecting', 'live', 'page [0]', 'connecting'])
    expect(signals[1]?.aborted).toBe(true)
  })

  test('an idle page commits nothing: the cursor stays the same object, so no store sees a write', async () => {
    const next = (from: number): LegacySnapshot => ({ ...snapshot([], chatting), links: { get: (rel) => (rel === 'next' ? new URL(`http://chat.test/chat/c1?from=${from}`) : undefined) } })
    const first: LegacySnapshot = { ...snapshot([stateEvent(0, 'chatting')], chatting), links: next(1).links }
    const chat = session([first, next(1), next(1), next(1)])
    const holder = cursorHolder()
    const written: string[] = []
    holder.watch({ next: (cursor) => written.push(`${cursor.from} ${cursor.next ?? '-'}`) })
    const subscription = pollChat(sessionSupplier(chat), holder, config(new PollClock())).subscribe()
    await vi.advanceTimersByTimeAsync(16)
    subscription.unsubscribe()
    expect(chat.signals).toHaveLength(4)
    expect(written).toEqual(['1 http://chat.test/chat/c1?from=1'])
  })
})
