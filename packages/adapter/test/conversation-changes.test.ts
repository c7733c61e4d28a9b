import { map, type Observable } from 'rxjs'
import { describe, expect, test } from 'vitest'
import { ChatFeed } from '../src/chat-feed.js'
import { ConnectionSignals } from '../src/connection-signals.js'
import { watchChanges } from '../src/conversation-changes.js'
import type { ExConversationChange, MessagingEventChange } from '../src/messaging-types.js'
import { observableOf } from '../src/watch.js'
import { info, lineEvent, snapshot, stateEvent } from './support/legacy-builders.js'
import { marbleConfig, scripted, testScheduler } from './support/marbles.js'

const chatting = info({ state: 'chatting', agentId: 'a-7' })
const ended = info({ state: 'ended', agentId: 'a-7' })
const seq = (change: MessagingEventChange): number | string => ('sequence' in change ? change.sequence : change.event.chatState)

/** A connection's signals around `feeds`, told by them as a connection's conversations tell it. */
function signalsOf(...feeds: ChatFeed[]): { signals: ConnectionSignals<{ readonly feed: ChatFeed }>; add(feed: ChatFeed): void } {
  const conversations: { feed: ChatFeed }[] = []
  const signals = new ConnectionSignals<{ readonly feed: ChatFeed }>(conversations)
  const add = (feed: ChatFeed): void => {
    feed.listen({ onConversationChange: (change) => signals.conversationChanged(feed, change), onEnd: () => signals.feedEnded(feed) })
    conversations.push({ feed })
    signals.announce({ feed })
  }
  for (const feed of feeds) add(feed)
  return { signals, add }
}

// One feed's changes through a watch of a connection's signals (one per feed: a feed has one listener).
const signalsByFeed = new WeakMap<ChatFeed, ConnectionSignals<{ readonly feed: ChatFeed }>>()
const changesOf = (feed: ChatFeed): Observable<ExConversationChange> =>
  observableOf((observer) => {
    let signals = signalsByFeed.get(feed)
    if (signals === undefined) signalsByFeed.set(feed, (signals = signalsOf(feed).signals))
    return watchChanges(signals, observer)
  })

describe('watchChanges (marbles)', () => {
  test('a watch replays the latest change to late subscribers, even after the chat ended (whose end does not end the watch)', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable }) => {
      const answers = [cold('-(a|)', { a: snapshot([stateEvent(0, 'waiting'), stateEvent(1, 'chatting'), stateEvent(2, 'ended')], ended) })]
      const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted(answers).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 0 })
      const state = changesOf(feed).pipe(map((change) => change.result.conversationDetails.state))
      expectObservable(state).toBe('-(oox)', { o: 'OPEN', x: 'CLOSE' })
      expectObservable(state, '20ms ^').toBe('20ms x', { x: 'CLOSE' })
    })
  })

  test('a late conversation subscriber starts from the change the first one got last, key for key, before and after the end', () => {
    const scheduler = testScheduler()
    const first: unknown[] = []
    const late: unknown[][] = []
    scheduler.run(({ cold }) => {
      const answers = [
        cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting'), lineEvent(1, 'hi')], chatting) }),
        cold('-(a|)', { a: snapshot([stateEvent(2, 'ended')], ended) }),
      ]
      const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted(answers).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 7 })
      changesOf(feed).subscribe((change) => first.push(change))
      for (const at of [1, 4, 30]) {
        scheduler.schedule(() => {
          const seen: unknown[] = []
          late.push(seen)
          changesOf(feed).subscribe((change) => seen.push(change))
        }, at)
      }
    })
    // The first subscriber saw the chat open, then close; one joining after each saw that change last.
    expect(first).toHaveLength(2)
    expect(late.map((seen) => seen[0])).toStrictEqual([first[0], first[0], first[1]])
    expect(late.map((seen) => JSON.stringify(seen[0]))).toEqual([JSON.stringify(first[0]), JSON.stringify(first[0]), JSON.stringify(first[1])])
    // The ones joining while it was open heard its close too, once.
    expect(late.map((seen) => seen.length)).toEqual([2, 2, 1])
  })

  test('a first watch after the chat ended still gets its latest change', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable }) => {
      const answers = [cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting'), lineEvent(1, 'hi'), stateEvent(2, 'ended')], ended) })]
      const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted(answers).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 0 })
      expectObservable(feed.messagingEvents$(0).pipe(map(seq))).toBe('-(a|)', { a: 1 })
      expectObservable(changesOf(feed).pipe(map((change) => change.result.conversationDetails.state)), '20ms ^').toBe('20ms x', { x: 'CLOSE' })
    })
  })

  test('a watch made in a line\'s callback starts from the change out before that line, then gets the page\'s next ones once', () => {
    const scheduler = testScheduler()
    const seen: string[] = []
    scheduler.run(({ cold }) => {
      const answers = [
        cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting')], chatting) }),
        cold('-(a|)', { a: snapshot([lineEvent(1, 'bye'), stateEvent(2, 'ended')], ended) }),
      ]
      const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted(answers).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 0 })
      feed.messagingEvents$().subscribe((change) => {
        if (!('sequence' in change) || change.sequence !== 1) return
        changesOf(feed).subscribe((c) => seen.push(c.result.conversationDetails.state))
      })
    })
    expect(seen).toEqual(['OPEN', 'CLOSE'])
  })

  test('conversations added later join the watch, one that ends leaves it, and the close completes it and lets the others go', () => {
    const scheduler = testScheduler()
    const seen: string[] = []
    scheduler.run(({ cold, expectSubscriptions }) => {
      const a = [cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting'), stateEvent(1, 'ended')], ended) })]
      const b = [cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting')], chatting) }), cold('------------------------------(a|)', { a: snapshot([], chatting) })]
      const feed = (id: string, answers: typeof a): ChatFeed => new ChatFeed({ conversationId: id, supplier: scripted(answers).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 0 })
      const { signals, add } = signalsOf(feed('a', a))
      watchChanges(signals, {
        next: (change) => seen.push(`${scheduler.now()} ${change.result.convId} ${change.result.conversationDetails.state}`),
        error: (error: unknown) => seen.push(`error ${String(error)}`),
        complete: () => seen.push(`${scheduler.now()} complete`),
      })
      scheduler.schedule(() => add(feed('b', b)), 3)
      scheduler.schedule(() => signals.close(), 10)
      // b was polled for the watch: its second poll (due at 8) is let go a grace period after the close (at 20).
      expectSubscriptions(b[1]!.subscriptions).toBe('8ms ^ 11ms !')
    })
    expect(seen).toEqual(['1 a OPEN', '1 a CLOSE', '4 b OPEN', '10 complete'])
    // A watch of a closed connection completes at once.
    const done: string[] = []
    const { signals } = signalsOf()
    signals.close()
    watchChanges(signals, { next: () => done.push('next'), error: () => done.push('error'), complete: () => done.push('complete') })
    expect(done).toEqual(['complete'])
  })

  test('a watch keeps its conversations polled while it lasts; unsubscribed, the loop stops a grace period later', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answers = [cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting')], chatting) }), cold('------------------------------(a|)', { a: snapshot([], chatting) })]
      const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted(answers).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 0 })
      expectObservable(changesOf(feed).pipe(map((change) => change.result.conversationDetails.state)), '^ 6ms !').toBe('-o', { o: 'OPEN' })
      expectSubscriptions(answers[0]!.subscriptions).toBe('^!')
      expectSubscriptions(answers[1]!.subscriptions).toBe('5ms ^ 11ms !')
    })
  })
})
