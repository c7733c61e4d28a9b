import { LegacyChatClient } from '@chatbridge/core'
import { type Fault, type FaultRule, type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Connection } from '../../src/connection.js'
import type { MessagingEventChange } from '../../src/messaging-types.js'
import { Recorder } from '../support/recorder.js'
import { compareWithLog, installFaults, requestWithRetry, loggedMessages, reliabilityConfig, requestTimeoutMs, sequenced, soak, within, assertProperty, replaying } from './support.js'

/*
 * Property: for any schedule of agent actions, visitor lines and server faults, the Messaging
 * notifications a subscriber receives equal the server's event log (none lost, none duplicated,
 * in order, with the server's content), and every visitor line published is in the log exactly
 * once, at the sequence its publish resolved with.
 *
 * A failure prints fast-check's seed and path; replay one with
 *   CHATBRIDGE_SEED=<seed> CHATBRIDGE_PATH=<path> pnpm exec vitest run --project adapter test/reliability/fault-schedules
 * CI runs PARTS × RUNS schedules; `pnpm test:soak` runs thousands.
 */

const PARTS = 4
const RUNS = Number(process.env['CHATBRIDGE_RUNS'] ?? (soak ? 1000 : 75))

type Step =
  | { readonly kind: 'say'; readonly text: string; readonly html: boolean }
  | { readonly kind: 'typing'; readonly on: boolean }
  | { readonly kind: 'visitor'; readonly text: string }
  | { readonly kind: 'visitor-typing'; readonly on: boolean }
  | { readonly kind: 'url' }
  | { readonly kind: 'transfer' }
  /** Wait until the subscriber has caught up with the server's log (lets faults interleave). */
  | { readonly kind: 'sync' }

interface Schedule {
  readonly format: 'json' | 'xml'
  /** Visitor lines and typing before an agent joins (lines queue until then). */
  readonly beforeAccept: readonly Step[]
  readonly steps: readonly Step[]
  readonly ending: 'agent' | 'visitor'
  /** End without waiting for the lines in flight: each must then land once, or be rejected (E_NOT_SENT: not in the log). */
  readonly endRacesLines: boolean
  /** A second subscriber, joining before step `at` from `fromSeq`: it gets exactly the log from there. */
  readonly late: { readonly at: number; readonly fromSeq: number } | undefined
  readonly faults: readonly Omit<FaultRule, 'when'>[]
}

// Few distinct texts, so equal lines in flight together are common (reconciliation must not mix them up).
const text = fc.constantFrom('hi', 'ok', 'hi', 'thanks', 'a <b>bold</b> & "quoted" line', 'ünïcødé ✓', 'line')
const html = fc.constantFrom('<div dir="ltr">hello</div>', '<p>two</p><p>paragraphs</p>', '<a href="https://example.com/x">link</a> <script>alert(1)</script>')

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('say' as const), text, html: fc.constant(false) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('say' as const), text: html, html: fc.constant(true) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('visitor' as const), text }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('typing' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('visitor-typing' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'url' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'transfer' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'sync' as const }) },
)

// Every kind the issue lists. `latency` above the client's timeout is a timeout whose request the
// server still applies afterwards; `status` answers are never applied.
const fault = (method: 'GET' | 'POST' | 'PUT'): fc.Arbitrary<Fault> =>
  fc.oneof(
    fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom(500, 502, 503) }),
    fc.record({
      kind: fc.constant('status' as const),
      status: fc.constant(429),
      // A whole second on a poll is capped by the keep-alive limit; lines honour it in full, so keep them at 0.
      retryAfterS: method === 'GET' ? fc.constantFrom(0, 1) : fc.constant(0),
    }),
    fc.record({ kind: fc.constant('latency' as const), ms: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ kind: fc.constant('latency' as const), ms: fc.constant(requestTimeoutMs + 20) }),
    fc.constant({ kind: 'reset-before' as const }),
    fc.constant({ kind: 'reset-after' as const }),
    fc.constant({ kind: 'truncate' as const }),
    fc.constant({ kind: 'malformed' as const }),
    fc.constant({ kind: 'content-type' as const, value: 'text/html' }),
    fc.constant({ kind: 'oversize' as const, bytes: 1_100_000 }),
  )

const rule: fc.Arbitrary<Omit<FaultRule, 'when'>> = fc
  .constantFrom<{ route: 'chat' | 'events' | 'visitor-typing'; method: 'GET' | 'POST' | 'PUT' }>(
    { route: 'chat', method: 'GET' },
    { route: 'chat', method: 'GET' },
    { route: 'events', method: 'POST' },
    { route: 'events', method: 'POST' },
    { route: 'visitor-typing', method: 'PUT' },
  )
  .chain(({ route, method }) =>
    fc.record({
      route: fc.constant(route),
      method: fc.constant(method),
      skip: fc.integer({ min: 0, max: 8 }),
      times: fc.integer({ min: 1, max: 3 }),
      fault: fault(method),
    }),
  )

const schedule: fc.Arbitrary<Schedule> = fc.record({
  format: fc.constantFrom('json' as const, 'xml' as const),
  beforeAccept: fc.array(
    fc.oneof(fc.record({ kind: fc.constant('visitor' as const), text }), fc.record({ kind: fc.constant('visitor-typing' as const), on: fc.boolean() })),
    { maxLength: 3 },
  ),
  steps: fc.array(step, { maxLength: soak ? 14 : 9 }),
  ending: fc.constantFrom('agent' as const, 'visitor' as const),
  endRacesLines: fc.boolean(),
  late: fc.option(fc.record({ at: fc.integer({ min: 0, max: 9 }), fromSeq: fc.integer({ min: 0, max: 12 }) }), { nil: undefined }),
  faults: fc.array(rule, { minLength: 1, maxLength: 5 }),
})

/** Totals over every schedule of this file, for the report. */
const totals = { schedules: 0, faultsInjected: 0, messagesChecked: 0, visitorLines: 0, rejectedAtEnd: 0, lost: 0, duplicated: 0 }

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null, logLimit: 1000 })
})
afterAll(async () => {
  await server.close()
  console.info(`fault schedules: ${JSON.stringify(totals)}`)
})

const message = (m: string) => ({ type: 'ContentEvent', contentType: 'text/plain', message: m }) as const

async function runSchedule(s: Schedule): Promise<void> {
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format: s.format, requestTimeoutMs })
  const connection = new Connection(client, reliabilityConfig, { ownsClient: true })
  let removeFaults = (): void => undefined
  try {
    const { conversationId } = await requestWithRetry(connection)
    const chat = server.chat(conversationId)
    if (chat === undefined) throw new Error(`no chat ${conversationId} on the server`)
    const faults = installFaults(server, conversationId, s.faults)
    removeFaults = () => faults.forEach((handle) => handle.remove())
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    const published: { readonly text: string; readonly sent: Promise<{ readonly sequence: number }> }[] = []
    const typing: Promise<unknown>[] = []

    const caughtUp = async (): Promise<void> => {
      const last = loggedMessages(chat).at(-1)
      if (last === undefined) return
      const id = Number(last['@id'])
      await within(
        events.next((c) => 'sequence' in c && c.sequence >= id),
        20_000,
        `subscriber reaching event ${id}`,
      )
    }
    const run = async (st: Step): Promise<void> => {
      switch (st.kind) {
        case 'say':
          chat.say(st.text, { html: st.html })
          break
        case 'typing':
          chat.typing(st.on)
          break
        case 'visitor':
          published.push({ text: st.text, sent: connection.publishEvent(conversationId, message(st.text)) })
          break
        case 'visitor-typing':
          // Typing has no retry of its own; a failed one is reported, never lost silently.
          typing.push(connection.publishEvent(conversationId, { type: 'ChatStateEvent', chatState: st.on ? 'COMPOSING' : 'ACTIVE' }).catch((e: unknown) => e))
          break
        case 'url':
          chat.pushUrl('https://example.com/page')
          break
        case 'transfer':
          chat.transfer({ name: 'Bob', id: 9 })
          break
        case 'sync':
          await caughtUp()
          break
      }
    }

    let late: Recorder<MessagingEventChange> | undefined
    const joinLate = (): void => {
      if (s.late !== undefined && late === undefined) late = new Recorder(connection.messagingEvents$(conversationId, { fromSeq: s.late.fromSeq }))
    }
    for (const st of s.beforeAccept) await run(st)
    chat.accept({ name: 'Natalie', id: 7 })
    for (const [i, st] of s.steps.entries()) {
      if (i === s.late?.at) joinLate()
      await run(st)
    }
    joinLate()
    const settled = Promise.allSettled(published.map((p) => p.sent))
    // Unless the end races them, every line is in before the chat ends.
    if (!s.endRacesLines) await within(settled, 30_000, 'visitor lines settling')
    if (s.ending === 'agent') chat.end()
    else await within(connection.closeConversation(conversationId), 30_000, 'closing the conversation')
    const sent = await within(settled, 30_000, 'visitor lines settling')
    await within(events.done(), 30_000, 'the stream completing after the end')
    if (late !== undefined) await within(late.done(), 30_000, 'the late stream completing')
    await Promise.all(typing)

    const log = loggedMessages(chat)
    const { problems, lost, duplicated } = compareWithLog(sequenced(events.values), log)
    if (late !== undefined && s.late !== undefined) {
      const from = s.late.fromSeq
      const lateCheck = compareWithLog(sequenced(late.values), log.filter((e) => Number(e['@id']) >= from))
      problems.push(...lateCheck.problems.map((p) => `late subscriber from ${from}: ${p}`))
    }
    // Visitor lines: each resolved publish is in the log once, at its own sequence, with its text.
    // Only when the end raced them may a line be rejected: E_NOT_SENT means it is not in the log;
    // another rejection (unknown outcome) allows at most one copy.
    const visitorLines = chat.visitorLines()
    const unclaimed = new Map(visitorLines.map((e) => [Number(e['@id']), String(e['text'])]))
    const mayHaveLanded: string[] = []
    sent.forEach((outcome, i) => {
      const line = published[i]
      if (line === undefined) return
      if (outcome.status === 'rejected') {
        const code = (outcome.reason as { code?: string }).code
        if (!s.endRacesLines) problems.push(`line ${i} (${line.text}) rejected: ${String(outcome.reason)}`)
        else if (code !== 'E_NOT_SENT') mayHaveLanded.push(line.text)
        return
      }
      const sequence = outcome.value.sequence
      const text = unclaimed.get(sequence)
      if (text !== line.text) problems.push(`line ${i} (${line.text}) resolved with ${sequence}, which is ${JSON.stringify(text)} (or claimed twice)`)
      unclaimed.delete(sequence)
    })
    for (const text of unclaimed.values()) {
      const at = mayHaveLanded.indexOf(text)
      if (at < 0) problems.push(`visitor line ${JSON.stringify(text)} in the log was not published, or is a second copy`)
      else mayHaveLanded.splice(at, 1)
    }
    if (chat.endReason !== s.ending) problems.push(`chat ended by ${String(chat.endReason)}, want ${s.ending}`)
    totals.schedules += 1
    totals.faultsInjected += faults.reduce((n, handle) => n + handle.hits, 0)
    totals.messagesChecked += log.length
    totals.visitorLines += published.length
    totals.lost += lost
    totals.duplicated += duplicated + Math.max(0, visitorLines.length - published.length)
    totals.rejectedAtEnd += sent.filter((o) => o.status === 'rejected').length
    if (problems.length > 0) throw new Error(`conversation ${conversationId}:\n  ${problems.join('\n  ')}`)
  } finally {
    removeFaults()
    await connection.close()
  }
}

describe.concurrent('fault schedules', () => {
  test.each(Array.from({ length: replaying ? 1 : PARTS }, (_, i) => i))(
    'notifications equal the server log and lines land once (part %i)',
    async () => {
      await assertProperty(fc.asyncProperty(schedule, runSchedule), RUNS, 'fault-schedules')
      expect(totals.lost + totals.duplicated).toBe(0)
    },
    soak ? 3_600_000 : 120_000,
  )
})
