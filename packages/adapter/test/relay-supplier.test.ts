import { VirtualTimeScheduler, defer, filter, firstValueFrom, lastValueFrom, of, take, toArray } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { pollChat } from '../src/chat-poller.js'
import { resolveConnectionOptions } from '../src/connection-options.js'
import type { RelayPage } from '../src/conversation-relay.js'
import type { LegacyEvent, LegacySnapshot } from '../src/legacy-contract.js'
import { MemoryConversationRelay } from '../src/memory-conversation-relay.js'
import { followerPoller, publishingSupplier, relaySupplier } from '../src/relay-supplier.js'
import { info, lineEvent, snapshot, stateEvent } from './support/legacy-builders.js'

// A follower's loop: no waits between reads (each read blocks in the relay instead).
const poller = followerPoller(resolveConnectionOptions().poller)
const lines = (from: number, to: number): LegacyEvent[] => Array.from({ length: to - from }, (_, i) => lineEvent(from + i, `line ${from + i}`, 'agent'))
const noRead = (): Promise<LegacySnapshot> => Promise.reject(new Error('the follower read the chat'))
const page = (from: number, events: readonly LegacyEvent[], withInfo = info({ state: 'chatting' })): RelayPage => ({ from, events, info: withInfo })

async function followed(relay: MemoryConversationRelay, readFrom: (from: number) => Promise<LegacySnapshot>): Promise<number[]> {
  const outputs = await lastValueFrom(pollChat(relaySupplier(relay, 'c1', readFrom), { from: 0, next: undefined }, poller).pipe(toArray()))
  return outputs.flatMap((output) => (output.kind === 'page' ? output.events.map((event) => event.id) : []))
}

describe('publishingSupplier', () => {
  it('publishes a page only when it brings new events or changed info, with the events from the cursor on', async () => {
    const published: RelayPage[] = []
    const answers = [snapshot(lines(0, 2)), snapshot(lines(0, 2)), snapshot(lines(0, 3)), snapshot(lines(0, 3), info({ agentTyping: 'typing' }))]
    let call = 0
    const supplier = publishingSupplier(() => of(answers[call++]!), (p) => published.push(p))
    await firstValueFrom(supplier({ from: 0, next: undefined }))
    await firstValueFrom(supplier({ from: 2, next: undefined }))
    await firstValueFrom(supplier({ from: 2, next: undefined }))
    await firstValueFrom(supplier({ from: 3, next: undefined }))
    expect(published.map((p) => [p.from, p.events.map((e) => e.id), p.info?.agentTyping])).toEqual([
      [0, [0, 1], 'not-typing'],
      [2, [2], 'not-typing'],
      [3, [], 'typing'],
    ])
  })
})

describe('relaySupplier behind the poll loop', () => {
  it('delivers every event once, in order, though pages repeat and overlap (at-least-once), and stops when the chat ended', async () => {
    const relay = new MemoryConversationRelay({ blockMs: 5 })
    const reading = followed(relay, noRead)
    await relay.publish('c1', page(0, lines(0, 3)))
    await relay.publish('c1', page(0, lines(0, 3)))
    await relay.publish('c1', page(2, lines(2, 5)))
    await relay.publish('c1', page(5, [stateEvent(5, 'ended')], info({ state: 'ended' })))
    expect(await reading).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('closes a gap (the stream trimmed before the follower came) with one read of the chat from its cursor', async () => {
    const relay = new MemoryConversationRelay({ maxPages: 2, blockMs: 5 })
    for (let id = 0; id < 5; id += 1) await relay.publish('c1', page(id, lines(id, id + 1)))
    const reads: number[] = []
    const reading = followed(relay, (from) => {
      reads.push(from)
      return Promise.resolve(snapshot(lines(from, 6)))
    })
    await relay.publish('c1', page(5, lines(5, 6)))
    await relay.publish('c1', page(6, [stateEvent(6, 'ended')], info({ state: 'ended' })))
    expect(await reading).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(reads).toEqual([0])
  })
})

describe('followerPoller', () => {
  it('waits nothing between reads; once promoted, paces and stretches its idle waits as a holder\'s', () => {
    const scheduler = new VirtualTimeScheduler()
    let promoted = false
    const at: number[] = []
    // The third read is the first through the holder's supplier: promoted while it is made.
    const supplier = () =>
      defer(() => {
        at.push(scheduler.now())
        if (at.length === 3) promoted = true
        return of(snapshot([], info({ state: 'chatting' })))
      })
    const follower = followerPoller({ ...resolveConnectionOptions().poller, scheduler, random: () => 0.5 }, () => promoted)
    const subscription = pollChat(supplier, { from: 0, next: undefined }, follower).pipe(filter((output) => output.kind === 'page'), take(8)).subscribe()
    scheduler.flush()
    subscription.unsubscribe()
    const gaps = at.slice(1).map((time, i) => time - at[i]!)
    // 500 ms chatting, growth 2.5, ceiling 7 × 500: the idle stretch starts again from the holder's
    // pace, and its first wait at the ceiling is spread (half of 3 000 sooner, at random 0.5).
    expect(gaps).toEqual([0, 0, 500, 1250, 3125, 2000, 3500])
  })
})
