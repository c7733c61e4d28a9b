import { firstValueFrom, toArray } from 'rxjs'
import { describe, expect, test } from 'vitest'
import { watchMessagingEvents } from '@chatbridge/adapter/internals'
import { Connection } from '../src/connection.js'
import type { MessagingEventChange } from '../src/messaging-types.js'
import { type FakeChat, FakeClient } from './support/fake-chat.js'
import { fastConfig } from './support/fast-config.js'
import { lineEvent, stateEvent } from './support/legacy-builders.js'

const sequenceOf = (change: MessagingEventChange): string => ('sequence' in change ? String(change.sequence) : 'state')

describe('watchMessagingEvents (internals): messagingEvents$ into a plain observer', () => {
  test('the same changes and the same end as the Observable, and nothing once stopped', async () => {
    const fake = new FakeClient()
    const connection = new Connection(fake, fastConfig)
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    const chat = fake.chats.get(conversationId) as FakeChat
    chat.push(stateEvent(0, 'chatting'))
    chat.push(lineEvent(1, 'hello', 'agent'))
    chat.push(lineEvent(2, 'bye', 'agent'))
    chat.push(stateEvent(3, 'ended'))
    const seen: string[] = []
    let ended!: () => void
    const done = new Promise<void>((resolve) => (ended = resolve))
    watchMessagingEvents(connection, conversationId, 1, {
      next: (change) => seen.push(sequenceOf(change)),
      error: (error) => seen.push(`error ${String(error)}`),
      complete: () => (seen.push('complete'), ended()),
    })
    const viaObservable = await firstValueFrom(connection.messagingEvents$(conversationId, { fromSeq: 1 }).pipe(toArray()))
    await done
    expect(seen).toEqual([...viaObservable.map(sequenceOf), 'complete'])
    expect(seen.length).toBeGreaterThan(1)
    await connection.close()
  })

  test('a closed connection completes the observer at once; a stopped watch hears nothing more', async () => {
    const fake = new FakeClient()
    const connection = new Connection(fake, fastConfig)
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    const chat = fake.chats.get(conversationId) as FakeChat
    const seen: string[] = []
    const observer = { next: () => seen.push('next'), error: () => seen.push('error'), complete: () => seen.push('complete') }
    watchMessagingEvents(connection, conversationId, 0, observer).unsubscribe()
    chat.push(lineEvent(0, 'late', 'agent'))
    await firstValueFrom(connection.messagingEvents$(conversationId))
    expect(seen).toEqual([])
    await connection.close()
    watchMessagingEvents(connection, conversationId, 0, observer)
    expect(seen).toEqual(['complete'])
  })

  test('many watches of one connection (past its short list): each stopped one hears nothing, the close completes the rest', async () => {
    const fake = new FakeClient()
    const connection = new Connection(fake, fastConfig)
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    const ends: number[] = []
    const watches = Array.from({ length: 12 }, (_, i) => watchMessagingEvents(connection, conversationId, 0, { next: () => undefined, error: () => ends.push(-i), complete: () => ends.push(i) }))
    watches[3]?.unsubscribe()
    watches[10]?.unsubscribe()
    await connection.close()
    expect(ends.sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9, 11])
  })

  test("'end': none of the changes, only the end, on a connection that keeps its chats polled; a stopped one hears nothing", async () => {
    const fake = new FakeClient()
    const connection = new Connection(fake, { ...fastConfig, keepConversationsAlive: true })
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    const chat = fake.chats.get(conversationId) as FakeChat
    const seen: string[] = []
    const stopped: string[] = []
    let ended!: () => void
    const done = new Promise<void>((resolve) => (ended = resolve))
    watchMessagingEvents(connection, conversationId, 'end', { next: () => seen.push('next'), error: () => seen.push('error'), complete: () => (seen.push('complete'), ended()) })
    watchMessagingEvents(connection, conversationId, 'end', { next: () => stopped.push('next'), error: () => stopped.push('error'), complete: () => stopped.push('complete') }).unsubscribe()
    chat.push(stateEvent(0, 'chatting'))
    chat.push(lineEvent(1, 'hello', 'agent'))
    chat.push(stateEvent(2, 'ended'))
    await done
    expect(seen).toEqual(['complete'])
    expect(stopped).toEqual([])
    // Once ended, a new end watch completes (as soon as the conversation is ready), hearing nothing else.
    const late: string[] = []
    await new Promise<void>((resolve) => {
      watchMessagingEvents(connection, conversationId, 'end', { next: () => late.push('next'), error: () => late.push('error'), complete: () => (late.push('complete'), resolve()) })
    })
    expect(late).toEqual(['complete'])
    await connection.close()
  })
})

