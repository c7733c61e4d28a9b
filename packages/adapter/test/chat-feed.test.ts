import { map } from 'rxjs'
import { describe, expect, test } from 'vitest'
import { ChatFeed } from '../src/chat-feed.js'
import type { PollCursor } from '../src/chat-poller.js'
import { cursorHolder } from '../src/poll-cursor.js'
import type { MessagingEventChange } from '../src/messaging-types.js'
import { info, lineEvent, snapshot, stateEvent } from './support/legacy-builders.js'
import { marbleConfig, scripted, testScheduler } from './support/marbles.js'

const chatting = info({ state: 'chatting', agentId: 'a-7' })
const ended = info({ state: 'ended', agentId: 'a-7' })
const seq = (change: MessagingEventChange): number | string => ('sequence' in change ? change.sequence : change.event.chatState)

describe('ChatFeed (marbles)', () => {
  test('one shared poll loop for overlapping subscribers; replay from fromSeq; grace then abort; restart resumes the cursor', () => {
    const scheduler = testScheduler()
    const cursors: PollCursor[] = []
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answers = [
        cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting'), lineEvent(1, 'one')], chatting) }),
        cold('-(a|)', { a: snapshot([lineEvent(2, 'two')], chatting) }),
        // Still in flight when the grace after the last subscriber runs out.
        cold('-----------------(a|)', { a: snapshot([lineEvent(3, 'lost?')], chatting) }),
        // After a restart: overlaps what was delivered; only event 3 is new.
        cold('-----(a|)', { a: snapshot([lineEvent(1, 'one'), lineEvent(2, 'two'), lineEvent(3, 'three'), stateEvent(4, 'ended')], ended) }),
      ]
      const feed = new ChatFeed({
        conversationId: 'c1',
        supplier: scripted(answers, cursors).supplier,
        poller: marbleConfig(scheduler),
        graceMs: 10,
        now: () => 0,
      })
      const values = { a: 1, b: 2, c: 3 }
      expectObservable(feed.messagingEvents$(0).pipe(map(seq)), '^ 13ms !').toBe('-a 4ms b', values)
      expectObservable(feed.messagingEvents$(1).pipe(map(seq)), '---^ 12ms !').toBe('---a--b', values)
      expectObservable(feed.messagingEvents$(0).pipe(map(seq)), '40ms ^').toBe('40ms (ab)-(c|)', values)
      expectSubscriptions(answers[0]!.subscriptions).toBe('^!')
      // Polls are paced from when they were due (0, 5, 10), not from their answers.
      expectSubscriptions(answers[1]!.subscriptions).toBe('5ms ^!')
      // Last subscriber leaves at 16; the loop outlives it by the 10 ms grace, then aborts the request.
      expectSubscriptions(answers[2]!.subscriptions).toBe('10ms ^ 15ms !')
      expectSubscriptions(answers[3]!.subscriptions).toBe('40ms ^ 4ms !')
    })
    expect(cursors.map((c) => c.from)).toEqual([0, 2, 3, 3])
  })

  test("the chat's one cursor lives in the holder it is given: the loop commits each page's cursor there", () => {
    const scheduler = testScheduler()
    const cursor = cursorHolder()
    const committed: PollCursor[] = []
    cursor.changes$.subscribe((value) => committed.push(value))
    scheduler.run(({ cold, expectObservable }) => {
      const answers = [
        cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting'), lineEvent(1, 'one')], chatting) }),
        cold('-(a|)', { a: snapshot([lineEvent(2, 'two'), stateEvent(3, 'ended')], ended) }),
      ]
      const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted(answers).supplier, poller: marbleConfig(scheduler), graceMs: 10, cursor, now: () => 0 })
      expectObservable(feed.messagingEvents$(0).pipe(map(seq))).toBe('-a 4ms (b|)', { a: 1, b: 2 })
    })
    expect(committed.map((c) => c.from)).toEqual([0, 2, 4])
    expect(JSON.parse(JSON.stringify(cursor.value))).toEqual({ from: 4, next: 'http://chat.test/chat/c1?from=4' })
  })

  test('a subscriber who comes back within the grace keeps the same loop', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answers = [cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting'), lineEvent(1, 'one')], chatting) }), cold('30ms (a|)', { a: snapshot([], chatting) })]
      const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted(answers).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 0 })
      expectObservable(feed.messagingEvents$(0).pipe(map(seq)), '^--!').toBe('-a', { a: 1 })
      expectObservable(feed.messagingEvents$(0).pipe(map(seq)), '8ms ^ 9ms !').toBe('8ms a', { a: 1 })
      expectSubscriptions(answers[0]!.subscriptions).toBe('^!')
      // One request, aborted 10 ms after the second subscriber left at 18.
      expectSubscriptions(answers[1]!.subscriptions).toBe('5ms ^ 22ms !')
    })
  })
})
