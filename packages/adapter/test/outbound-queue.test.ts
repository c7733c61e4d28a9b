import { HttpError, NetworkError, TimeoutError } from '@chatbridge/core'
import { BehaviorSubject, asyncScheduler } from 'rxjs'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { LegacyEvent, LegacySnapshot } from '../src/legacy-contract.js'
import { OutboundQueue } from '../src/outbound-queue.js'
import { OutboundLedger, type OutboundRecord } from '../src/outbound-record.js'
import { cursorHolder } from '../src/poll-cursor.js'
import { lineEvent, snapshot, stateEvent } from './support/legacy-builders.js'

/** A fake chat session: an event log, and scripted failures for the next POSTs. */
class FakeSession {
  readonly log: LegacyEvent[] = []
  readonly calls: string[] = []
  readonly postFailures: { error: Error; applied: boolean | 'late' }[] = []
  #lateLine: string | undefined
  snapshotFailures = 0
  locationMissing = false

  addLine(text: string): Promise<number | undefined> {
    this.calls.push(`addLine ${text}`)
    const failure = this.postFailures.shift()
    if (failure?.applied === 'late') this.#lateLine = text
    if (failure?.applied === false || failure?.applied === 'late') return Promise.reject(failure.error)
    const id = this.log.length
    this.log.push(lineEvent(id, text, 'visitor'))
    if (failure !== undefined) return Promise.reject(failure.error)
    return Promise.resolve(this.locationMissing ? undefined : id)
  }
  readonly endFailures: Error[] = []
  end(): Promise<void> {
    this.calls.push('end')
    const failure = this.endFailures.shift()
    return failure === undefined ? Promise.resolve() : Promise.reject(failure)
  }
  snapshot(options?: { from?: number }): Promise<LegacySnapshot> {
    this.calls.push(`snapshot from=${options?.from}`)
    if (this.snapshotFailures-- > 0) return Promise.reject(new NetworkError({ method: 'GET', uri: 'u', outcomeUnknown: false }))
    const result = snapshot(this.log.filter((e) => e.id >= (options?.from ?? 0)))
    // A slow server: the timed-out POST is applied only after the first look at the log.
    if (this.#lateLine !== undefined) {
      this.log.push(lineEvent(this.log.length, this.#lateLine, 'visitor'))
      this.#lateLine = undefined
    }
    return Promise.resolve(result)
  }
  setVisitorTyping(status: string): Promise<void> {
    this.calls.push(`typing ${status}`)
    return Promise.resolve()
  }
}

function queueFor(
  session: FakeSession,
  state: BehaviorSubject<string | undefined>,
  onEnd: (endedByConsumer: boolean) => void = () => undefined,
  ledger: OutboundLedger = new OutboundLedger(),
): OutboundQueue {
  return new OutboundQueue({
    ledger,
    conversationId: 'c1',
    session,
    chat: { chatState$: () => state, markEndedByConsumer: onEnd },
    cursor: cursorHolder(),
    timing: { backoff: { baseMs: 2, factor: 2, maxMs: 10 }, random: () => 0.5, scheduler: asyncScheduler, maxAttempts: 4, reconcileWindowMs: 5 },
  })
}

const timeout = () => new TimeoutError({ method: 'POST', uri: 'u', timeoutMs: 1 })

describe('OutboundQueue', () => {
  test('lines wait while the chat waits, then go out in order', async () => {
    const session = new FakeSession()
    const state = new BehaviorSubject<string | undefined>('waiting')
    const queue = queueFor(session, state)
    const sent = [queue.sendLine('a'), queue.sendLine('b'), queue.sendLine('c')]
    await Promise.resolve()
    expect(session.calls).toEqual([])
    state.next('chatting')
    expect(await Promise.all(sent)).toEqual([0, 1, 2])
    expect(session.calls).toEqual(['addLine a', 'addLine b', 'addLine c'])
  })

  test("the queue's state is plain data in its ledger: each line queued, sending, then applied with its sequence", async () => {
    const session = new FakeSession()
    const state = new BehaviorSubject<string | undefined>('waiting')
    const ledger = new OutboundLedger()
    const records: OutboundRecord[] = []
    ledger.changes$.subscribe((record) => records.push(record))
    const queue = queueFor(session, state, undefined, ledger)
    const sent = queue.sendLine('a')
    await Promise.resolve()
    expect(ledger.value.lines).toEqual([{ id: 0, text: 'a', status: 'queued' }])
    state.next('chatting')
    expect(await sent).toBe(0)
    await queue.setTyping('typing')
    expect(records.map((r) => r.lines.map((l) => l.status).join())).toEqual(['', 'queued', 'sending', 'applied', 'applied'])
    expect(JSON.parse(JSON.stringify(ledger.value))).toEqual({ lines: [{ id: 0, text: 'a', status: 'applied', sequence: 0 }], typing: 'typing', nextLineId: 1 })
  })

  test('an unknown outcome is settled from the event log: applied lines are never sent again', async () => {
    const session = new FakeSession()
    const queue = queueFor(session, new BehaviorSubject<string | undefined>('chatting'))
    session.postFailures.push({ error: timeout(), applied: true })
    expect(await queue.sendLine('hello')).toBe(0)
    expect(session.calls).toEqual(['addLine hello', 'snapshot from=0'])
    expect(session.log).toHaveLength(1)
  })

  test('an unknown outcome that was not applied is sent again, once', async () => {
    const session = new FakeSession()
    const queue = queueFor(session, new BehaviorSubject<string | undefined>('chatting'))
    session.postFailures.push({ error: timeout(), applied: false })
    expect(await queue.sendLine('hello')).toBe(0)
    // Looked twice (now and after the reconcile window) before sending again.
    expect(session.calls).toEqual(['addLine hello', 'snapshot from=0', 'snapshot from=0', 'addLine hello'])
  })

  test('a POST applied after the client gave up is found on the second look, after the reconcile window', async () => {
    const session = new FakeSession()
    const queue = queueFor(session, new BehaviorSubject<string | undefined>('chatting'))
    session.postFailures.push({ error: timeout(), applied: 'late' })
    expect(await queue.sendLine('slow')).toBe(0)
    expect(session.calls).toEqual(['addLine slow', 'snapshot from=0', 'snapshot from=0'])
    expect(session.log).toHaveLength(1)
  })

  test('two equal lines settle on two different events', async () => {
    const session = new FakeSession()
    const queue = queueFor(session, new BehaviorSubject<string | undefined>('chatting'))
    expect(await queue.sendLine('ok')).toBe(0)
    session.locationMissing = true
    expect(await queue.sendLine('ok')).toBe(1)
  })

  test('when the log cannot be read, the line fails as outcome-unknown and is not resent', async () => {
    const session = new FakeSession()
    const queue = queueFor(session, new BehaviorSubject<string | undefined>('chatting'))
    session.postFailures.push({ error: timeout(), applied: true })
    session.snapshotFailures = 10
    await expect(queue.sendLine('hello')).rejects.toMatchObject({ code: 'E_OUTCOME_UNKNOWN' })
    expect(session.calls.filter((c) => c.startsWith('addLine'))).toHaveLength(1)
  })

  test('"not in chat" (400, internalCode 5) waits for chatting again; other 4xx fail at once', async () => {
    const session = new FakeSession()
    const queue = queueFor(session, new BehaviorSubject<string | undefined>('chatting'))
    session.postFailures.push({ error: new HttpError({ status: 400, internalCode: 5, method: 'POST', uri: 'u' }), applied: false })
    expect(await queue.sendLine('retry me')).toBe(0)
    session.postFailures.push({ error: new HttpError({ status: 403, method: 'POST', uri: 'u' }), applied: false })
    await expect(queue.sendLine('refused')).rejects.toMatchObject({ code: 'E_COMMAND_FAILED', cause: { status: 403 } })
  })

  test('an end queued behind waiting lines rejects them as not sent, and ends', async () => {
    const session = new FakeSession()
    let ended = false
    const queue = queueFor(session, new BehaviorSubject<string | undefined>('waiting'), () => (ended = true))
    const line = queue.sendLine('too early')
    const end = queue.end()
    await expect(line).rejects.toMatchObject({ code: 'E_NOT_SENT' })
    await end
    expect(ended).toBe(true)
    expect(session.calls).toEqual(['end'])
  })

  test('typing is posted only when it changes', async () => {
    const session = new FakeSession()
    const queue = queueFor(session, new BehaviorSubject<string | undefined>('chatting'))
    await queue.setTyping('not-typing')
    await queue.setTyping('typing')
    await queue.setTyping('typing')
    await queue.setTyping('not-typing')
    expect(session.calls).toEqual(['typing typing', 'typing not-typing'])
  })

  test('dispose rejects what is queued with E_CLOSED', async () => {
    const session = new FakeSession()
    const queue = queueFor(session, new BehaviorSubject<string | undefined>('waiting'))
    const line = queue.sendLine('never')
    queue.dispose()
    await expect(line).rejects.toMatchObject({ code: 'E_CLOSED' })
    await expect(queue.sendLine('after')).rejects.toMatchObject({ code: 'E_CLOSED' })
  })
})

describe('OutboundQueue and a long Retry-After', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  test('a Retry-After of a day holds a line for the backoff maximum at most (30 s by default)', async () => {
    vi.useFakeTimers()
    const session = new FakeSession()
    session.postFailures.push({ error: new HttpError({ status: 429, method: 'POST', uri: 'u', retryAfterMs: 86_400_000 }), applied: false })
    const queue = new OutboundQueue({
      conversationId: 'c1',
      session,
      chat: { chatState$: () => new BehaviorSubject<string | undefined>('chatting'), markEndedByConsumer: () => undefined },
      cursor: cursorHolder(),
      timing: { backoff: { baseMs: 500, factor: 2, maxMs: 30_000 }, random: () => 0.5, scheduler: asyncScheduler, maxAttempts: 4, reconcileWindowMs: 2_000 },
    })
    let sequence: number | undefined
    const sent = queue.sendLine('hello').then((id) => (sequence = id))
    await vi.advanceTimersByTimeAsync(29_999)
    expect(sequence).toBeUndefined()
    expect(session.calls).toEqual(['addLine hello'])
    await vi.advanceTimersByTimeAsync(1)
    await sent
    expect(sequence).toBe(0)
    expect(session.calls).toEqual(['addLine hello', 'addLine hello'])
    queue.dispose()
  })
})

describe('OutboundQueue ending a chat that is already over', () => {
  const refused = () => new HttpError({ status: 400, method: 'POST', uri: 'u', internalCode: 109 })

  test('a refused end resolves when the chat reads as ended; the close reason is not the consumer’s', async () => {
    const session = new FakeSession()
    session.log.push(stateEvent(0, 'chatting'), stateEvent(1, 'ended'))
    session.endFailures.push(refused())
    const ends: boolean[] = []
    await queueFor(session, new BehaviorSubject<string | undefined>('chatting'), (ended: boolean) => void ends.push(ended)).end()
    expect(ends).toEqual([true, false])
    expect(session.calls).toEqual(['end', 'snapshot from=0'])
  })

  test('a refused end of a chat that is gone (404, internalCode 12) resolves too', async () => {
    const session = new FakeSession()
    session.endFailures.push(refused())
    session.snapshot = () => Promise.reject(new HttpError({ status: 404, method: 'GET', uri: 'u', internalCode: 12 }))
    await expect(queueFor(session, new BehaviorSubject<string | undefined>('chatting')).end()).resolves.toBeUndefined()
  })

  test('a refused end of a chat still going rejects as before', async () => {
    const session = new FakeSession()
    session.log.push(stateEvent(0, 'chatting'))
    session.endFailures.push(refused())
    await expect(queueFor(session, new BehaviorSubject<string | undefined>('chatting')).end()).rejects.toMatchObject({ code: 'E_COMMAND_FAILED', cause: { status: 400 } })
  })
})
