import { Subject, type Unsubscribable } from 'rxjs'
import { describe, expect, test } from 'vitest'
import { EventLog, type LogEntry } from '../src/event-log.js'
import { type ReplaySource, replaying } from '../src/event-replay.js'
import { observableOf } from '../src/watch.js'
import { initialConversationModel } from '../src/conversation-model.js'
import type { LegacySnapshot } from '../src/legacy-contract.js'
import { mapBatch } from '../src/map-event.js'
import type { MessagingEventChange } from '../src/messaging-types.js'
import { info, lineEvent, snapshot, stateEvent } from './support/legacy-builders.js'

const chatting = info({ state: 'chatting', agentId: 'a-7' })
const events = [stateEvent(0, 'chatting'), ...Array.from({ length: 10 }, (_, i) => lineEvent(i + 1, `line ${i + 1}`, i % 2 === 0 ? 'agent' : 'visitor'))]

/** A log of limit 3 fed as a feed would: each event its own page; the live subject gets each entry. */
function fedLog(): { log: EventLog; live: Subject<LogEntry>; emitted: MessagingEventChange[]; feed: (n: number) => void } {
  const log = new EventLog(3)
  const live = new Subject<LogEntry>()
  const emitted: MessagingEventChange[] = []
  let model = initialConversationModel({ conversationId: 'c1' })
  let at = 0
  const feed = (n: number): void => {
    for (const event of events.slice(at, at + n)) {
      log.notePage(model, chatting, [event])
      const result = mapBatch(model, [event], chatting, 0)
      model = result.model
      for (const output of result.outputs) {
        if (output.kind !== 'message') continue
        emitted.push(output.change)
        live.next(log.add(output.change))
      }
    }
    at += n
  }
  return { log, live, emitted, feed }
}

const replayThenLive = (source: ReplaySource, fromSeq: number) => observableOf<MessagingEventChange>((observer) => replaying(source, fromSeq).add(observer))

describe('replaying', () => {
  test('keeps the last changes only; an older fromSeq is read from the server; live changes meanwhile wait their turn', async () => {
    const { log, live, emitted, feed } = fedLog()
    feed(8)
    expect(log.size).toBe(3)
    expect(log.keptFrom).toBe(5)
    let answer: (snapshot: LegacySnapshot) => void = () => undefined
    const reads: number[] = []
    const readFrom = (from: number): Promise<LegacySnapshot> => (reads.push(from), new Promise((resolve) => (answer = resolve)))
    const seen: MessagingEventChange[] = []
    const subscription = replayThenLive({ conversationId: 'c1', log, live$: live, readFrom, now: () => 0 }, 2).subscribe((c) => seen.push(c))
    // Mapping starts where the run holding sequence 2 started: event 1, the first with the agent known.
    expect(reads).toEqual([1])
    expect(log.contexts.map((c) => c.fromId)).toEqual([0, 1])
    feed(3) // 8, 9, 10 arrive while the server is read
    expect(seen).toEqual([])
    answer(snapshot(events, chatting))
    await Promise.resolve()
    await Promise.resolve()
    expect(seen).toEqual(emitted.filter((c) => 'sequence' in c && c.sequence >= 2))
    subscription.unsubscribe()
  })

  test('a fromSeq still kept is served from memory without a read', () => {
    const { log, live, emitted, feed } = fedLog()
    feed(8)
    const seen: MessagingEventChange[] = []
    const readFrom = (): Promise<LegacySnapshot> => Promise.reject(new Error('must not be read'))
    replayThenLive({ conversationId: 'c1', log, live$: live, readFrom, now: () => 0 }, 6).subscribe((c) => seen.push(c))
    feed(1)
    expect(seen).toEqual(emitted.filter((c) => 'sequence' in c && c.sequence >= 6))
  })

  describe('with a plain observer (as the loop watches it): the head, then what waited, then the live end', () => {
    // What reaches the observer: each change's sequence, and how it ended.
    const recorder = () => {
      const seen: (number | string)[] = []
      const observer = {
        next: (c: MessagingEventChange) => seen.push('sequence' in c ? c.sequence : 'unsequenced'),
        error: (e: unknown) => seen.push(`error ${(e as { code?: string }).code ?? String(e)}`),
        complete: () => seen.push('complete'),
      }
      return { seen, observer }
    }
    const sequences = (changes: MessagingEventChange[], from: number) => changes.flatMap((c) => ('sequence' in c && c.sequence >= from ? [c.sequence] : []))
    const pendingRead = () => {
      const read: { answer: (snapshot: LegacySnapshot) => void; fail: (error: unknown) => void; signal: AbortSignal | undefined } = { answer: () => undefined, fail: () => undefined, signal: undefined }
      const readFrom = (_from: number, signal: AbortSignal): Promise<LegacySnapshot> =>
        new Promise((resolve, reject) => Object.assign(read, { answer: resolve, fail: reject, signal }))
      return { read, readFrom }
    }
    const settle = async () => {
      for (let i = 0; i < 3; i++) await Promise.resolve()
    }

    test.each(['complete', 'error'] as const)('a live %s while the server is read comes after the head and what waited', async (end) => {
      const { log, live, emitted, feed } = fedLog()
      feed(8)
      const { read, readFrom } = pendingRead()
      const { seen, observer } = recorder()
      replaying({ conversationId: 'c1', log, live$: live, readFrom, now: () => 0 }, 2).add(observer)
      feed(3)
      if (end === 'complete') live.complete()
      else live.error(Object.assign(new Error('feed failed'), { code: 'E_FEED' }))
      expect(seen).toEqual([])
      read.answer(snapshot(events, chatting))
      await settle()
      expect(seen).toEqual([...sequences(emitted, 2), end === 'complete' ? 'complete' : 'error E_FEED'])
    })

    test('a head served from memory is through at once: live changes and the live end pass straight on', () => {
      const { log, live, emitted, feed } = fedLog()
      feed(8)
      const { seen, observer } = recorder()
      replaying({ conversationId: 'c1', log, live$: live, readFrom: undefined, now: () => 0 }, 6).add(observer)
      expect(seen).toEqual(sequences(emitted, 6))
      feed(1)
      live.complete()
      expect(seen).toEqual([...sequences(emitted, 6), 'complete'])
    })

    test('a failed read errors the replay once; what waited is never delivered and the live stream is let go', async () => {
      const { log, live, feed } = fedLog()
      feed(8)
      const { read, readFrom } = pendingRead()
      const { seen, observer } = recorder()
      const replay: Unsubscribable | undefined = replaying({ conversationId: 'c1', log, live$: live, readFrom, now: () => 0 }, 2).add(observer)
      feed(1)
      read.fail(new Error('server down'))
      await settle()
      expect(seen).toEqual(['error E_REPLAY_FAILED'])
      expect(live.observed).toBe(false)
      feed(2)
      live.complete()
      replay?.unsubscribe()
      expect(seen).toEqual(['error E_REPLAY_FAILED'])
    })

    test('unsubscribed while the server is read: the read is aborted, the live stream let go, nothing more arrives', async () => {
      const { log, live, feed } = fedLog()
      feed(8)
      const { read, readFrom } = pendingRead()
      const { seen, observer } = recorder()
      const replay = replaying({ conversationId: 'c1', log, live$: live, readFrom, now: () => 0 }, 2).add(observer)
      feed(1)
      replay?.unsubscribe()
      expect(read.signal?.aborted).toBe(true)
      expect(live.observed).toBe(false)
      read.answer(snapshot(events, chatting))
      await settle()
      expect(seen).toEqual([])
    })
  })
})
