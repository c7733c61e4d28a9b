import { ChatGoneError, DecodeError, HttpError, NetworkError } from '@chatbridge/core'
import { map } from 'rxjs'
import { describe, expect, test } from 'vitest'
import { type PollCursor, pollChat, sessionSupplier } from '../src/chat-poller.js'
import { PollGate } from '../src/poll-gate.js'
import type { LegacySnapshot } from '../src/legacy-contract.js'
import { info, lineEvent, snapshot, stateEvent } from './support/legacy-builders.js'
import { activityMarbleConfig, marbleConfig, scripted, summarize, testScheduler } from './support/marbles.js'

const http = (status: number, extra: { internalCode?: number; retryAfterMs?: number } = {}) =>
  new HttpError({ status, method: 'GET', uri: 'http://chat.test/chat/c1', ...extra })

const waiting = info({ state: 'waiting' })
const chatting = info({ state: 'chatting', agentId: 'a-7' })
const ended = info({ state: 'ended', agentId: 'a-7' })

describe('pollChat (marbles)', () => {
  test('default pacing, every page active: 20 ms while waiting, 5 ms while chatting; one request at a time; stops after the end', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answers = [
        cold('-(a|)', { a: snapshot([stateEvent(0, 'waiting')], waiting) }),
        // Overlaps the first page: event 0 must not come again.
        cold('-(a|)', { a: snapshot([stateEvent(0, 'waiting'), stateEvent(1, 'chatting')], chatting) }),
        cold('-(a|)', { a: snapshot([lineEvent(2, 'hi', 'agent')], chatting) }),
        cold('-(a|)', { a: snapshot([stateEvent(3, 'ended')], ended) }),
      ]
      const { supplier } = scripted(answers)
      const out = pollChat(supplier, { from: 0, next: undefined }, activityMarbleConfig(scheduler)).pipe(map(summarize))
      expectObservable(out).toBe('c(lp) 16ms q 4ms r 4ms (sx|)', {
        c: 'connecting',
        l: 'live',
        p: 'page [0]',
        q: 'page [1]',
        r: 'page [2]',
        s: 'page [3]',
        x: 'closed ended',
      })
      expectSubscriptions(answers[0]!.subscriptions).toBe('^!')
      // Each wait counts from when the poll was due, not from its answer (1 ms later): no drift.
      expectSubscriptions(answers[1]!.subscriptions).toBe('20ms ^!')
      expectSubscriptions(answers[2]!.subscriptions).toBe('25ms ^!')
      expectSubscriptions(answers[3]!.subscriptions).toBe('30ms ^!')
    })
  })

  test('backs off with jitter on 5xx and network errors, then recovers', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answers = [
        cold<LegacySnapshot>('-#', undefined, http(503)),
        cold<LegacySnapshot>('-#', undefined, new NetworkError({ method: 'GET', uri: 'u', outcomeUnknown: false })),
        cold('-(a|)', { a: snapshot([stateEvent(0, 'ended')], ended) }),
      ]
      const out = pollChat(scripted(answers).supplier, { from: 0, next: undefined }, marbleConfig(scheduler)).pipe(map(summarize))
      // Full jitter at 0.5: ceilings 40 then 80 give waits of 20 then 40.
      expectObservable(out).toBe('c(eb) 17ms (ed) 37ms (lpx|)', {
        c: 'connecting',
        e: 'error',
        b: 'backing-off 20ms #1',
        d: 'backing-off 40ms #2',
        l: 'live',
        p: 'page [0]',
        x: 'closed ended',
      })
      expectSubscriptions(answers[0]!.subscriptions).toBe('^!')
      expectSubscriptions(answers[1]!.subscriptions).toBe('21ms ^!')
      expectSubscriptions(answers[2]!.subscriptions).toBe('62ms ^!')
    })
  })

  test('honours Retry-After, but never waits past the keep-alive cap (a third of chatTimeout)', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable }) => {
      const answers = [
        cold<LegacySnapshot>('-#', undefined, http(429, { retryAfterMs: 25 })),
        cold<LegacySnapshot>('-#', undefined, http(429, { retryAfterMs: 500 })),
        cold('-(a|)', { a: snapshot([stateEvent(0, 'ended')], ended) }),
      ]
      // chatTimeout 0.09 s: the cap is 30 ms.
      const config = marbleConfig(scheduler, { defaultChatTimeoutS: 0.09 })
      const out = pollChat(scripted(answers).supplier, { from: 0, next: undefined }, config).pipe(map(summarize))
      expectObservable(out).toBe('c(eb) 22ms (ed) 27ms (lpx|)', {
        c: 'connecting',
        e: 'error',
        b: 'backing-off 25ms #1',
        d: 'backing-off 30ms #2',
        l: 'live',
        p: 'page [0]',
        x: 'closed ended',
      })
    })
  })

  test('the keep-alive cap also bounds the waiting interval once chatTimeout is known', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answers = [
        cold('-(a|)', { a: snapshot([stateEvent(0, 'waiting')], info({ state: 'waiting', chatTimeout: 0.03 })) }),
        cold('-(a|)', { a: snapshot([stateEvent(1, 'ended')], ended) }),
      ]
      const out = pollChat(scripted(answers).supplier, { from: 0, next: undefined }, marbleConfig(scheduler)).pipe(map(summarize))
      expectObservable(out).toBe('c(lp) 6ms (qx|)', { c: 'connecting', l: 'live', p: 'page [0]', q: 'page [1]', x: 'closed ended' })
      expectSubscriptions(answers[1]!.subscriptions).toBe('10ms ^!')
    })
  })

  test('4xx are not retried; chat gone closes with its own reason', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable }) => {
      const refused = pollChat(scripted([cold<LegacySnapshot>('-#', undefined, http(401))]).supplier, { from: 0, next: undefined }, marbleConfig(scheduler))
      expectObservable(refused.pipe(map(summarize))).toBe('c(x|)', { c: 'connecting', x: 'closed refused' })
      const goneError = new ChatGoneError({ status: 404, internalCode: 12, method: 'GET', uri: 'u' })
      const gone = pollChat(scripted([cold<LegacySnapshot>('-#', undefined, goneError)]).supplier, { from: 0, next: undefined }, marbleConfig(scheduler))
      expectObservable(gone.pipe(map(summarize))).toBe('c(x|)', { c: 'connecting', x: 'closed chat-gone' })
    })
  })

  test('a decode error surfaces and keeps the cursor; the retry starts where the last page ended', () => {
    const scheduler = testScheduler()
    const cursors: PollCursor[] = []
    scheduler.run(({ cold, expectObservable }) => {
      const decode = new DecodeError({ path: 'chat.events.event.3.@id', uri: 'u', status: 200, format: 'xml', detail: 'not a number' })
      const answers = [
        cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting'), lineEvent(1, 'a'), lineEvent(2, 'b')], chatting) }),
        cold<LegacySnapshot>('-#', undefined, decode),
        cold('-(a|)', { a: snapshot([lineEvent(1, 'a'), lineEvent(2, 'b'), lineEvent(3, 'c'), stateEvent(4, 'ended')], ended) }),
      ]
      const script = scripted(answers, cursors)
      const out = pollChat(script.supplier, { from: 0, next: undefined }, marbleConfig(scheduler)).pipe(map(summarize))
      expectObservable(out).toBe('c(lp) 1ms (eb) 17ms (lqx|)', {
        c: 'connecting',
        l: 'live',
        p: 'page [0,1,2]',
        e: 'error',
        b: 'backing-off 20ms #1',
        q: 'page [3,4]',
        x: 'closed ended',
      })
    })
    expect(cursors.map((c) => [c.from, c.next === undefined ? undefined : new URL(c.next).search])).toEqual([
        [0, undefined],
        [3, '?from=3'],
        [3, '?from=3'],
    ])
  })

  test('unsubscribing cancels the request in flight', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answers = [cold('-----(a|)', { a: snapshot([], waiting) })]
      const out = pollChat(scripted(answers).supplier, { from: 0, next: undefined }, marbleConfig(scheduler)).pipe(map(summarize))
      expectObservable(out, '^--!').toBe('c', { c: 'connecting' })
      expectSubscriptions(answers[0]!.subscriptions).toBe('^--!')
    })
  })
})

describe('sessionSupplier', () => {
  test('follows the next link when there is one, else reads from the cursor; aborts on unsubscribe', async () => {
    const calls: string[] = []
    let signal: AbortSignal | undefined
    const session = {
      snapshot: (options?: { from?: number; signal?: AbortSignal }) => {
        calls.push(`snapshot from=${options?.from}`)
        return Promise.resolve(snapshot([]))
      },
      followNext: (next: URL, options?: { signal?: AbortSignal }) => {
        calls.push(`follow ${next.search}`)
        signal = options?.signal
        return new Promise<LegacySnapshot>(() => undefined)
      },
    }
    const supplier = sessionSupplier(session)
    await new Promise<void>((resolve) => supplier({ from: 4, next: undefined }).subscribe({ complete: resolve }))
    const subscription = supplier({ from: 4, next: 'http://chat.test/chat/c1?from=4' }).subscribe()
    expect(signal?.aborted).toBe(false)
    subscription.unsubscribe()
    expect(signal?.aborted).toBe(true)
    expect(calls).toEqual(['snapshot from=4', 'follow ?from=4'])
  })

  test('parses each poll\'s next link into a URL of its own: nothing is kept parsed between polls (an idle chat keeps text)', async () => {
    const urls: URL[] = []
    const session = {
      snapshot: () => Promise.resolve(snapshot([])),
      followNext: (next: URL) => (urls.push(next), Promise.resolve(snapshot([]))),
    }
    const supplier = sessionSupplier(session)
    const poll = (next: string): Promise<void> => new Promise<void>((resolve) => supplier({ from: 4, next }).subscribe({ complete: resolve }))
    await poll('http://chat.test/chat/c1?from=4')
    await poll('http://chat.test/chat/c1?from=4')
    await poll('http://chat.test/chat/c1?from=5')
    expect(urls.map((url) => url.search)).toEqual(['?from=4', '?from=4', '?from=5'])
    expect(urls[1]).not.toBe(urls[0])
  })
})

describe('pollChat behind a gate', () => {
  test('two chats sharing a gate of one: the second chat polls only once the first poll settled; unsubscribing frees the slot', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const gate = new PollGate(1)
      const first = [cold('---(a|)', { a: snapshot([stateEvent(0, 'waiting')], waiting) }), cold<LegacySnapshot>('-----')]
      const second = [cold('-(a|)', { a: snapshot([stateEvent(0, 'waiting')], waiting) }), cold<LegacySnapshot>('-----')]
      const config = { ...marbleConfig(scheduler), gate }
      const a = pollChat(scripted(first).supplier, { from: 0, next: undefined }, config).pipe(map(summarize))
      const b = pollChat(scripted(second).supplier, { from: 0, next: undefined }, config).pipe(map(summarize))
      expectObservable(a, '^ 30ms !').toBe('c--(lp)', { c: 'connecting', l: 'live', p: 'page [0]' })
      expectObservable(b).toBe('c--- (lp)', { c: 'connecting', l: 'live', p: 'page [0]' })
      expectSubscriptions(first[0]!.subscriptions).toBe('^--!')
      // Admitted when the first chat's poll settled at 3 ms.
      expectSubscriptions(second[0]!.subscriptions).toBe('---^!')
      // Both chats' second polls are due at 20 ms (the second chat's wait at the gate made its first
      // poll late, not its pace slower); the first chat's holds the slot until it is unsubscribed
      // at 31 ms, and the second chat's waits for it.
      expectSubscriptions(first[1]!.subscriptions).toBe('20ms ^----------!')
      expectSubscriptions(second[1]!.subscriptions).toBe('31ms ^')
    })
  })
})
