// ChatFeed.listen: the owner's plain callbacks see what errors$ and state$ carry.
import { describe, expect, test } from 'vitest'
import { ChatFeed } from '../src/chat-feed.js'
import type { Observable } from 'rxjs'
import type { PollerState } from '../src/chat-poller.js'
import type { LegacySnapshot } from '../src/legacy-contract.js'
import { info, lineEvent, snapshot, stateEvent } from './support/legacy-builders.js'
import { marbleConfig, scripted, testScheduler } from './support/marbles.js'

describe('ChatFeed.listen', () => {
  test('the listener gets every error and every state change state$ and errors$ carry (not the current state), until replaced', () => {
    const scheduler = testScheduler()
    const streamed: { states: PollerState[]; errors: unknown[] } = { states: [], errors: [] }
    const heard: { states: PollerState[]; errors: unknown[] } = { states: [], errors: [] }
    const failure = new TypeError('fetch failed')
    scheduler.run(({ cold }) => {
      const answers: Observable<LegacySnapshot>[] = [cold<LegacySnapshot>('-#', undefined, failure), cold('-(a|)', { a: snapshot([stateEvent(0, 'chatting'), lineEvent(1, 'one'), stateEvent(2, 'ended')], info({ state: 'ended', agentId: 'a-7' })) })]
      const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted(answers).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 0 })
      feed.state$.subscribe((state) => streamed.states.push(state))
      feed.errors$.subscribe((error) => streamed.errors.push(error))
      feed.listen({ onError: (error) => heard.errors.push(error), onState: (state) => heard.states.push(state) })
      feed.chatState$().subscribe({ error: () => undefined })
    })
    expect(streamed.states.length).toBeGreaterThan(2)
    expect(heard.states).toEqual(streamed.states.slice(1))
    expect(heard.errors).toEqual(streamed.errors)
  })

  test('a listener replaced by undefined hears nothing more', () => {
    const scheduler = testScheduler()
    const heard: PollerState[] = []
    const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted([]).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 0 })
    feed.listen({ onState: (state) => heard.push(state) })
    feed.listen(undefined)
    feed.dispose()
    expect(heard).toEqual([])
  })
})
