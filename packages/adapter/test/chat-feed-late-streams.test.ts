// A feed's errors, legacy-event, state and chat-state streams, made on first use: one asked for late behaves as one made at the start did.
import type { Observable } from 'rxjs'
import { describe, expect, test } from 'vitest'
import { ChatFeed } from '../src/chat-feed.js'
import type { LegacySnapshot } from '../src/legacy-contract.js'
import { marbleConfig, scripted, testScheduler } from './support/marbles.js'

function ends(stream: Observable<unknown>): string[] {
  const seen: string[] = []
  stream.subscribe({ next: () => seen.push('next'), error: (error: unknown) => seen.push(`error ${(error as { code?: string }).code ?? String(error)}`), complete: () => seen.push('complete') })
  return seen
}

describe('ChatFeed streams made late', () => {
  test('after dispose: errors$ and the legacy events complete', () => {
    const scheduler = testScheduler()
    const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted([]).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 0 })
    feed.dispose()
    expect(ends(feed.errors$)).toEqual(['complete'])
    const legacy: string[] = []
    feed.watchLegacyEvents({ next: () => legacy.push('next'), error: () => legacy.push('error'), complete: () => legacy.push('complete') })
    expect(legacy).toEqual(['complete'])
    const states: unknown[] = []
    feed.state$.subscribe((state) => states.push(state))
    expect(states).toEqual([{ status: 'closed', reason: 'aborted' }])
    const chatStates: string[] = []
    feed.chatState$().subscribe({ next: (state) => chatStates.push(String(state)), complete: () => chatStates.push('complete') })
    expect(chatStates).toEqual(['undefined', 'complete'])
  })

  test('after polling failed for good: the legacy events fail as the messages did, errors$ stays open as it always has', () => {
    const scheduler = testScheduler()
    const seen: { messages: string[]; errors: string[]; legacy: string[]; chatState: string[] } = { messages: [], errors: [], legacy: [], chatState: [] }
    scheduler.run(({ cold }) => {
      // A 404: the chat is gone for good, polling stops without a retry.
      const gone = Object.assign(new Error('gone'), { status: 404, name: 'HttpError' })
      const answers: Observable<LegacySnapshot>[] = [cold<LegacySnapshot>('-#', undefined, gone)]
      const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted(answers).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 0 })
      seen.messages = ends(feed.messagingEvents$())
      scheduler.schedule(() => {
        seen.errors = ends(feed.errors$)
        const legacy: string[] = []
        feed.watchLegacyEvents({ next: () => legacy.push('next'), error: (error: unknown) => legacy.push(`error ${(error as { code?: string }).code ?? ''}`), complete: () => legacy.push('complete') })
        seen.legacy = legacy
        ends(feed.chatState$()).forEach((end) => seen.chatState.push(end))
      }, 50)
    })
    expect(seen).toEqual({ messages: ['error E_POLL_FAILED'], legacy: ['error E_POLL_FAILED'], errors: [], chatState: ['next', 'error E_POLL_FAILED'] })
  })

  test("an 'end' watch hears the failure that stopped polling, and none of the changes", () => {
    const scheduler = testScheduler()
    const seen: string[] = []
    scheduler.run(({ cold }) => {
      const gone = Object.assign(new Error('gone'), { status: 404, name: 'HttpError' })
      const answers: Observable<LegacySnapshot>[] = [cold<LegacySnapshot>('-#', undefined, gone)]
      const feed = new ChatFeed({ conversationId: 'c1', supplier: scripted(answers).supplier, poller: marbleConfig(scheduler), graceMs: 10, now: () => 0 })
      ends(feed.messagingEvents$())
      feed.watchMessagingEvents('end', { next: () => seen.push('next'), error: (error: unknown) => seen.push(`error ${(error as { code?: string }).code ?? ''}`), complete: () => seen.push('complete') })
    })
    expect(seen).toEqual(['error E_POLL_FAILED'])
  })
})

