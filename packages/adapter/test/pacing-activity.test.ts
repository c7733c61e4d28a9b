import type { Observable, SchedulerLike } from 'rxjs'
import { describe, expect, test } from 'vitest'
import { ChatFeed } from '../src/chat-feed.js'
import { type PollSupplier, pollChat } from '../src/chat-poller.js'
import type { ChatSessionPort, LegacySnapshot } from '../src/legacy-contract.js'
import { OutboundActivity, reportingActivity } from '../src/outbound-activity.js'
import { info, lineEvent, snapshot, stateEvent } from './support/legacy-builders.js'
import { marbleConfig, testScheduler } from './support/marbles.js'

// Pacing by activity through the real poll loop: chatting 5, waiting 20, ×1.5 up to 20 while quiet
// (the first wait at the ceiling not spread, but in the test of the spread).
const activity = { idleGrowth: 1.5, idleCeilingMs: 20, idleSpread: false }
const chatting = info({ state: 'chatting', agentId: 'a-7' })
const typing = info({ state: 'chatting', agentId: 'a-7', agentTyping: 'typing' })

/** An activity source the visitor pokes at each of `times` (scheduler milliseconds). */
function pokedAt(scheduler: SchedulerLike, ...times: number[]): OutboundActivity {
  const activity = new OutboundActivity()
  for (const at of times) scheduler.schedule(() => activity.poke(), at)
  return activity
}

/**
 * Each poll answers with `pages[n]` (the last one again once they run out) after `latencies[n]` ms
 * (default 1); records when polls start.
 */
function timedSupplier(
  now: () => number,
  pages: readonly LegacySnapshot[],
  cold: (marbles: string, values: Record<string, LegacySnapshot>) => Observable<LegacySnapshot>,
  latencies: readonly number[] = [],
): { supplier: PollSupplier; starts: number[] } {
  const starts: number[] = []
  return {
    starts,
    supplier: () => {
      starts.push(now())
      const page = pages[Math.min(starts.length - 1, pages.length - 1)]!
      return cold(`${'-'.repeat(latencies[starts.length - 1] ?? 1)}(a|)`, { a: page })
    },
  }
}

describe('pacing by activity (marbles)', () => {
  test('stretches ×1.5 while nothing happens, up to the ceiling; a line or the agent typing brings back the fast pace', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, flush }) => {
      const idle = snapshot([], chatting)
      const pages = [snapshot([stateEvent(0, 'chatting')], chatting), idle, idle, idle, idle, snapshot([lineEvent(1, 'hi', 'agent')], chatting), snapshot([], typing), idle]
      const { supplier, starts } = timedSupplier(() => scheduler.now(), pages, cold)
      const subscription = pollChat(supplier, { from: 0, next: undefined }, marbleConfig(scheduler, activity)).subscribe()
      scheduler.schedule(() => subscription.unsubscribe(), 100)
      flush()
      // Waits from each poll's due time (each answer takes 1 ms and does not push the next poll):
      // 5 (the state became known), 8, 12, 18, 20 (ceiling), 5 (a line), 5 (typing), 8, 12.
      expect(starts).toEqual([0, 5, 13, 25, 43, 63, 68, 73, 81, 93])
    })
  })

  test('a state change is activity: waiting stretches from 20, the agent joining brings 5', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, flush }) => {
      const waiting = info({ state: 'waiting' })
      const pages = [snapshot([stateEvent(0, 'waiting')], waiting), snapshot([], waiting), snapshot([], chatting), snapshot([], chatting)]
      const { supplier, starts } = timedSupplier(() => scheduler.now(), pages, cold)
      const config = marbleConfig(scheduler, { idleGrowth: 1.5, idleCeilingMs: 40 })
      const subscription = pollChat(supplier, { from: 0, next: undefined }, config).subscribe()
      scheduler.schedule(() => subscription.unsubscribe(), 70)
      flush()
      // 20 after the first page, 30 (stretched), then chatting (info says so): 5, then 8.
      expect(starts).toEqual([0, 20, 50, 55, 63])
    })
  })

  test('the visitor typing or sending cuts a long wait short to the fast pace, and the next poll counts as active', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, flush }) => {
      const idle = snapshot([], chatting)
      const { supplier, starts } = timedSupplier(() => scheduler.now(), [snapshot([stateEvent(0, 'chatting')], chatting), idle], cold)
      // Polls at 0, 5, 13, 25; the wait after 25 would be 18 (until 43): the visitor types at 35.
      const config = { ...marbleConfig(scheduler, activity), activity: pokedAt(scheduler, 35) }
      const subscription = pollChat(supplier, { from: 0, next: undefined }, config).subscribe()
      scheduler.schedule(() => subscription.unsubscribe(), 60)
      flush()
      // 35 + 5 = 40; that poll counts as active, so 5 again (45), then 8 (53).
      expect(starts).toEqual([0, 5, 13, 25, 40, 45, 53])
    })
  })

  test('activity during a wait already at the fast pace changes nothing but the next decision', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, flush }) => {
      const idle = snapshot([], chatting)
      const { supplier, starts } = timedSupplier(() => scheduler.now(), [snapshot([stateEvent(0, 'chatting')], chatting), idle], cold)
      const subscription = pollChat(supplier, { from: 0, next: undefined }, { ...marbleConfig(scheduler, activity), activity: pokedAt(scheduler, 3) }).subscribe()
      scheduler.schedule(() => subscription.unsubscribe(), 25)
      flush()
      // 5 after the first page (its wait heard the visitor), 5 again, then 8.
      expect(starts).toEqual([0, 5, 10, 18])
    })
  })

  test("the loop's first wait at the ceiling comes sooner, at random between the interval and the ceiling; later ones do not", () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, flush }) => {
      const idle = snapshot([], chatting)
      const pages = [snapshot([stateEvent(0, 'chatting')], chatting), idle, idle, idle, idle, idle, snapshot([lineEvent(1, 'hi', 'agent')], chatting), idle]
      const { supplier, starts } = timedSupplier(() => scheduler.now(), pages, cold)
      const { idleSpread, ...spread } = activity
      expect(idleSpread).toBe(false)
      const subscription = pollChat(supplier, { from: 0, next: undefined }, marbleConfig(scheduler, spread)).subscribe()
      scheduler.schedule(() => subscription.unsubscribe(), 150)
      flush()
      // 5, 8, 12, 18, then the ceiling (20) less floor(0.5 × (20 − 5)) = 13 at the random 0.5,
      // counted from the answer at 44, then 20; a line (5), and the next quiet spell stretches to
      // the whole ceiling: 8, 12, 18, 20.
      expect(starts).toEqual([0, 5, 13, 25, 43, 57, 77, 82, 90, 102, 120, 140])
    })
  })

  test('the spread wait counts from the late answer: the poll is not made at once, in step with the other late ones', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, flush }) => {
      const idle = snapshot([], chatting)
      // The fifth poll (due at 43, the one whose wait is spread) answers 15 ms late, at 58.
      const { supplier, starts } = timedSupplier(() => scheduler.now(), [snapshot([stateEvent(0, 'chatting')], chatting), idle], cold, [1, 1, 1, 1, 15])
      const { idleSpread, ...spread } = activity
      expect(idleSpread).toBe(false)
      const subscription = pollChat(supplier, { from: 0, next: undefined }, marbleConfig(scheduler, spread)).subscribe()
      scheduler.schedule(() => subscription.unsubscribe(), 100)
      flush()
      // From its due time the spread wait (20 − 7) would have ended at 56, before the answer: made
      // at once at 58. From the answer it ends at 71, and the ceiling (20) counts from there.
      expect(starts).toEqual([0, 5, 13, 25, 43, 71, 91])
    })
  })

  test('a spread that came out as no sooner counts from the late answer too', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, flush }) => {
      const idle = snapshot([], chatting)
      const { supplier, starts } = timedSupplier(() => scheduler.now(), [snapshot([stateEvent(0, 'chatting')], chatting), idle], cold, [1, 1, 1, 1, 15])
      const { idleSpread, ...spread } = activity
      expect(idleSpread).toBe(false)
      const subscription = pollChat(supplier, { from: 0, next: undefined }, { ...marbleConfig(scheduler, spread), random: () => 0 }).subscribe()
      scheduler.schedule(() => subscription.unsubscribe(), 100)
      flush()
      // At the random 0 the spread wait is the whole ceiling, from the answer at 58 (from the due
      // time, 43 + 20, it would have come at 63).
      expect(starts).toEqual([0, 5, 13, 25, 43, 78, 98])
    })
  })

  test('a fixed pace (idleGrowth 1) never stretches; no activity source is needed', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, flush }) => {
      const { supplier, starts } = timedSupplier(() => scheduler.now(), [snapshot([stateEvent(0, 'chatting')], chatting), snapshot([], chatting)], cold)
      const subscription = pollChat(supplier, { from: 0, next: undefined }, { ...marbleConfig(scheduler, { idleGrowth: 1 }), activity: new OutboundActivity() }).subscribe()
      scheduler.schedule(() => subscription.unsubscribe(), 25)
      flush()
      expect(starts).toEqual([0, 5, 10, 15, 20])
    })
  })

  test('never waits past the keep-alive cap, however quiet', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, flush }) => {
      const short = info({ state: 'chatting', agentId: 'a-7', chatTimeout: 0.03 })
      const { supplier, starts } = timedSupplier(() => scheduler.now(), [snapshot([stateEvent(0, 'chatting')], short), snapshot([], short)], cold)
      // chatTimeout 30 ms: the cap is 10 ms, below the ceiling of 20.
      const subscription = pollChat(supplier, { from: 0, next: undefined }, marbleConfig(scheduler, activity)).subscribe()
      scheduler.schedule(() => subscription.unsubscribe(), 45)
      flush()
      expect(starts).toEqual([0, 5, 13, 23, 33, 43])
    })
  })
})

describe('reportingActivity', () => {
  test('reports the visitor typing and sending, then delegates; reads and the end report nothing', async () => {
    const calls: string[] = []
    const session: ChatSessionPort = {
      conversationId: 'c1',
      snapshot: () => Promise.resolve(snapshot([], chatting)),
      followNext: () => Promise.resolve(snapshot([], chatting)),
      addLine: (text) => (calls.push(`line ${text}`), Promise.resolve(7)),
      end: () => (calls.push('end'), Promise.resolve()),
      setVisitorName: () => Promise.resolve(),
      setVisitorTyping: (status) => (calls.push(status), Promise.resolve()),
    }
    const reporting = reportingActivity(session, { poke: () => calls.push('activity') })
    await reporting.snapshot()
    await reporting.followNext(new URL('http://chat.test/c1?from=1'))
    expect(await reporting.addLine('hi')).toBe(7)
    await reporting.setVisitorTyping('typing')
    await reporting.end()
    expect(calls).toEqual(['activity', 'line hi', 'activity', 'typing', 'end'])
    expect(reporting.conversationId).toBe('c1')
  })
})

describe('OutboundActivity', () => {
  test('a poke reaches every listener listening then; one that leaves hears no more', () => {
    const activity = new OutboundActivity()
    const heard: string[] = []
    const a = { heard: () => heard.push('a') }
    const b = { heard: () => (heard.push('b'), activity.unlisten(b)) }
    activity.poke()
    activity.listen(a)
    activity.listen(b)
    activity.poke()
    activity.poke()
    activity.unlisten(a)
    activity.poke()
    expect(heard).toEqual(['a', 'b', 'a'])
  })
})

describe('ChatFeed with outbound activity', () => {
  test("the feed's activity reaches its poll loop: the visitor typing cuts a stretched wait short", () => {
    const scheduler = testScheduler()
    const starts: number[] = []
    scheduler.run(({ cold, expectObservable }) => {
      const idle = snapshot([], chatting)
      const pages = [snapshot([stateEvent(0, 'chatting')], chatting), idle, idle, idle, snapshot([stateEvent(1, 'ended')], info({ state: 'ended', agentId: 'a-7' }))]
      const { supplier } = timedSupplier(() => scheduler.now(), pages, cold)
      const feed = new ChatFeed({
        conversationId: 'c1',
        supplier: (cursor) => (starts.push(scheduler.now()), supplier(cursor)),
        poller: marbleConfig(scheduler, activity),
        activity: pokedAt(scheduler, 16),
        graceMs: 0,
        now: () => 0,
      })
      expectObservable(feed.chatState$()).toBe('ab 25ms (c|)', { a: undefined, b: 'chatting', c: 'ended' })
    })
    // Polls at 0, 5, 13; the wait after 13 would be 12 (until 25): typing at 16 brings the poll to 21.
    expect(starts.filter((at, i) => starts.indexOf(at) === i)).toEqual([0, 5, 13, 21, 26])
  })
})
