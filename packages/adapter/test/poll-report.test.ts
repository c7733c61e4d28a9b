import { HttpError } from '@chatbridge/core'
import { timer, map } from 'rxjs'
import { describe, expect, test, vi } from 'vitest'
import { ChatFeed } from '../src/chat-feed.js'
import { pollChat } from '../src/chat-poller.js'
import type { LegacySnapshot } from '../src/legacy-contract.js'
import type { PollReport } from '../src/poll-report.js'
import { PollClock } from '../src/poll-clock.js'
import { info, lineEvent, snapshot, stateEvent } from './support/legacy-builders.js'
import { marbleConfig, scripted, testScheduler } from './support/marbles.js'

const chatting = info({ state: 'chatting', agentId: 'a-7' })
const ended = info({ state: 'ended', agentId: 'a-7' })

describe('onPoll', () => {
  test("a feed's reports carry its own chat id while its loops share the connection's poller options", () => {
    const scheduler = testScheduler()
    const reports: PollReport[] = []
    scheduler.run(({ cold, flush }) => {
      const poller = { ...marbleConfig(scheduler), onPoll: (report: PollReport) => reports.push(report) }
      const feeds = ['c1', 'c2'].map((id) => {
        const answers = [cold('-(a|)', { a: snapshot([stateEvent(0, 'ended')], ended) })]
        return new ChatFeed({ conversationId: id, supplier: scripted(answers).supplier, poller, graceMs: 0, now: () => 0 })
      })
      for (const feed of feeds) feed.chatState$().subscribe()
      flush()
    })
    expect(reports.map((report) => report.conversationId)).toEqual(['c1', 'c2'])
  })

  test('one report per settled poll: start, duration, outcome with the error code, new events and the first sequence', () => {
    const scheduler = testScheduler()
    const reports: PollReport[] = []
    scheduler.run(({ cold, flush }) => {
      const answers = [
        cold('--(a|)', { a: snapshot([stateEvent(0, 'chatting'), lineEvent(1, 'hi', 'agent')], chatting) }),
        cold<LegacySnapshot>('-#', undefined, new HttpError({ status: 503, method: 'GET', uri: 'http://chat.test/chat/c1' })),
        // Overlaps: only event 2 is new.
        cold('---(a|)', { a: snapshot([lineEvent(1, 'hi', 'agent'), stateEvent(2, 'ended')], ended) }),
      ]
      const config = { ...marbleConfig(scheduler), conversationId: 'c1', onPoll: (report: PollReport) => reports.push(report) }
      pollChat(scripted(answers).supplier, { from: 0, next: undefined }, config).subscribe()
      flush()
    })
    expect(reports).toHaveLength(3)
    expect(reports[0]).toEqual({ conversationId: 'c1', at: 0, durationMs: 2, outcome: 'ok', events: 2, firstSequence: 0 })
    expect(reports[1]).toMatchObject({ conversationId: 'c1', outcome: 'failed', code: 'E_HTTP', events: 0, durationMs: 1 })
    expect(reports[1]).not.toHaveProperty('firstSequence')
    expect(reports[2]).toMatchObject({ outcome: 'ok', events: 1, firstSequence: 2, durationMs: 3 })
    expect(reports[2]!.at).toBeGreaterThan(reports[1]!.at)
  })

  test("on the poll clock, which keeps its times as elapsed milliseconds, a report's start is still epoch milliseconds", async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 })
    try {
      const clock = new PollClock()
      vi.advanceTimersByTime(40)
      const reports: PollReport[] = []
      const answer = timer(7, clock).pipe(map(() => snapshot([stateEvent(0, 'ended')], ended)))
      const config = { ...marbleConfig(testScheduler()), scheduler: clock, conversationId: 'c1', onPoll: (report: PollReport) => reports.push(report) }
      pollChat(scripted([answer]).supplier, { from: 0, next: undefined }, config).subscribe()
      await vi.advanceTimersByTimeAsync(7)
      expect(reports).toEqual([{ conversationId: 'c1', at: 1_700_000_000_040, durationMs: 7, outcome: 'ok', events: 1, firstSequence: 0 }])
    } finally {
      vi.useRealTimers()
    }
  })

  test('a throwing callback does not stop polling', () => {
    const scheduler = testScheduler()
    let calls = 0
    let closed = false
    scheduler.run(({ cold, flush }) => {
      const answers = [cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting')], chatting) }), cold('-(a|)', { a: snapshot([stateEvent(1, 'ended')], ended) })]
      const onPoll = (): void => {
        calls += 1
        throw new Error('metrics down')
      }
      pollChat(scripted(answers).supplier, { from: 0, next: undefined }, { ...marbleConfig(scheduler), onPoll }).subscribe({
        next: (output) => {
          if (output.kind === 'state' && output.state.status === 'closed') closed = true
        },
      })
      flush()
    })
    expect(calls).toBe(2)
    expect(closed).toBe(true)
  })
})
