// The bounded log: what it keeps, from which sequence on, and the indexes subscribers tell replays by.
import { describe, expect, test } from 'vitest'
import { EventLog } from '../src/event-log.js'
import { initialConversationModel } from '../src/conversation-model.js'
import type { LegacyEvent } from '../src/legacy-contract.js'
import { mapBatch } from '../src/map-event.js'
import type { MessagingEventChange } from '../src/messaging-types.js'
import { info, lineEvent, stateEvent, timeOf } from './support/legacy-builders.js'

const line = (sequence: number): MessagingEventChange => ({
  sequence,
  originatorId: 'system-c1',
  originatorMetadata: { id: 'system-c1', role: 'CONTROLLER' },
  serverTimestamp: sequence,
  event: { type: 'ContentEvent', contentType: 'text/plain', message: `line ${sequence}` },
  conversationId: 'c1',
  dialogId: 'c1',
})
const typing: MessagingEventChange = {
  originatorId: 'a-1',
  originatorMetadata: { id: 'a-1', role: 'ASSIGNED_AGENT' },
  event: { type: 'ChatStateEvent', chatState: 'COMPOSING' },
  conversationId: 'c1',
  dialogId: 'c1',
}

describe('EventLog', () => {
  test('keeps the last `limit` sequenced changes with their indexes; typing counts an index but is not kept', () => {
    const log = new EventLog(3)
    const added = [log.add(line(1)), log.add(typing), log.add(line(2)), log.add(line(3)), log.add(line(4)), log.add(line(5))]
    expect(added.map((entry) => entry.index)).toEqual([0, 1, 2, 3, 4, 5])
    expect(log.lastIndex).toBe(5)
    expect(log.size).toBe(3)
    expect(log.keptFrom).toBe(3)
    expect(log.kept(0).map((entry) => [entry.index, 'sequence' in entry.change ? entry.change.sequence : -1])).toEqual([[3, 3], [4, 4], [5, 5]])
    expect(log.kept(5).map((entry) => entry.index)).toEqual([5])
    expect(log.kept(4)[0]?.change).toStrictEqual(added[4]?.change)
  })

  test("a kept line's time comes back exactly: now, long ago, far ahead, and with a fraction", () => {
    const log = new EventLog(10)
    const now = Date.now()
    const times = [now, now + 1, 0, 1, now + 40 * 86_400_000, now + 0.25, 8.64e15, 1e-300]
    for (const [i, serverTimestamp] of times.entries()) log.add({ ...line(i), serverTimestamp })
    expect(log.kept(0).map((entry) => ('serverTimestamp' in entry.change ? entry.change.serverTimestamp : undefined))).toEqual(times)
  })

  test('a kept change is the emitted one again, key for key and in the same order, for every kind the mapping sequences', () => {
    const url: LegacyEvent = { type: 'url', id: 7, time: timeOf(7), raw: {}, url: 'https://example.test/a' }
    const status: LegacyEvent = { type: 'line-status', id: 8, time: timeOf(8), raw: {}, lineStatus: 'read', refSequenceId: 3, source: 'agent' }
    const events: LegacyEvent[] = [
      stateEvent(0, 'chatting'),
      lineEvent(1, 'Welcome', 'system', { systemMessageId: 4 }),
      lineEvent(2, 'You are now <b>chatting</b>', 'system', { textType: 'html', systemMessageId: 2 }),
      lineEvent(3, 'hello', 'visitor'),
      lineEvent(4, 'hi <i>there</i>', 'agent', { textType: 'html' }),
      lineEvent(5, 'how can I help?', 'agent'),
      lineEvent(6, 'no id', 'system'),
      url,
      status,
    ]
    const { outputs } = mapBatch(initialConversationModel({ conversationId: 'c1' }), events, info({ state: 'chatting', agentId: 'a-7' }), 0)
    const log = new EventLog(20)
    const emitted = outputs.flatMap((output) => (output.kind === 'message' ? [log.add(output.change).change] : []))
    expect(emitted).toHaveLength(8)
    const kept = log.kept(0).map((entry) => entry.change)
    expect(kept).toStrictEqual(emitted)
    expect(kept.map((change) => JSON.stringify(change))).toEqual(emitted.map((change) => JSON.stringify(change)))
  })

  test("a controller line that is not this chat's system line keeps its own originator", () => {
    const log = new EventLog(5)
    const other: MessagingEventChange = { ...line(1), originatorId: 'system-c2', originatorMetadata: { id: 'system-c2', role: 'CONTROLLER' } }
    // A field the Messaging model does not name, as a host's own change might carry.
    const named = { id: 'system-c1', role: 'CONTROLLER' as const, name: 'Bot' }
    const extra = { ...line(2), originatorMetadata: named } as MessagingEventChange
    const emitted = [log.add(line(0)).change, log.add(other).change, log.add(extra).change]
    const kept = log.kept(0).map((entry) => entry.change)
    expect(kept).toStrictEqual(emitted)
    expect(kept.map((change) => JSON.stringify(change))).toEqual(emitted.map((change) => JSON.stringify(change)))
  })

  test('a long chat stays at the bound, past the short exact-size stage', () => {
    const log = new EventLog(20)
    for (let sequence = 0; sequence < 1000; sequence += 1) log.add(line(sequence))
    expect(log.size).toBe(20)
    expect(log.keptFrom).toBe(980)
    expect(log.kept(0).map((entry) => entry.index)).toEqual(Array.from({ length: 20 }, (_, i) => 980 + i))
  })
})
