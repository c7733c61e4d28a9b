import { LegacyChatClient } from '@chatbridge/core'
import { type Fault, type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import fc from 'fast-check'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Connection } from '../../src/connection.js'
import type { MessagingEventChange } from '../../src/messaging-types.js'
import { Recorder } from '../support/recorder.js'
import { compareWithLog, installFaults, requestWithRetry, loggedMessages, reliabilityConfig, requestTimeoutMs, sequenced, soak, within, assertProperty } from './support.js'

/*
 * Property: a process that dies mid-conversation (its sockets destroyed, no close, a line maybe
 * in flight) and a new connection resumed from the last delivered sequence + 1 together deliver
 * the server's event log exactly: nothing lost, nothing repeated. Replay a failure with
 * CHATBRIDGE_SEED / CHATBRIDGE_PATH as printed.
 */

const RUNS = Number(process.env['CHATBRIDGE_RUNS'] ?? (soak ? 2000 : 100))

type Step = { readonly kind: 'say'; readonly text: string } | { readonly kind: 'visitor'; readonly text: string } | { readonly kind: 'sync' }

interface Scenario {
  readonly format: 'json' | 'xml'
  readonly before: readonly Step[]
  readonly after: readonly Step[]
  /** Faults on polls and posts, across the death and the resume. */
  readonly faults: readonly { readonly skip: number; readonly times: number; readonly method: 'GET' | 'POST'; readonly fault: Fault }[]
}

const text = fc.constantFrom('hi', 'ok', 'hi', 'bye')
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('say' as const), text }),
  fc.record({ kind: fc.constant('visitor' as const), text }),
  fc.constant({ kind: 'sync' as const }),
)
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant({ kind: 'reset-after' as const }),
  fc.constant({ kind: 'reset-before' as const }),
  fc.constant({ kind: 'malformed' as const }),
  fc.constant({ kind: 'status' as const, status: 503 }),
  fc.constant({ kind: 'latency' as const, ms: requestTimeoutMs + 20 }),
)
const scenario: fc.Arbitrary<Scenario> = fc.record({
  format: fc.constantFrom('json' as const, 'xml' as const),
  before: fc.array(step, { maxLength: 6 }),
  after: fc.array(step, { maxLength: 6 }),
  faults: fc.array(
    fc.record({ skip: fc.integer({ min: 0, max: 8 }), times: fc.integer({ min: 1, max: 2 }), method: fc.constantFrom('GET' as const, 'POST' as const), fault }),
    { maxLength: 3 },
  ),
})

const totals = { resumes: 0, messagesChecked: 0, inFlightAtDeath: 0, lost: 0, duplicated: 0 }

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null, logLimit: 1000 })
})
afterAll(async () => {
  await server.close()
  console.info(`resume after death: ${JSON.stringify(totals)}`)
})

const message = (m: string) => ({ type: 'ContentEvent', contentType: 'text/plain', message: m }) as const

async function runScenario(s: Scenario): Promise<void> {
  // The first "process" has its own sockets, so its death can destroy them mid-request.
  const dispatcher = new Agent({ connections: 4, headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs })
  const first = new Connection(new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format: s.format, requestTimeoutMs, dispatcher }), reliabilityConfig)
  const second = new Connection(
    new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format: s.format, requestTimeoutMs }),
    reliabilityConfig,
    { ownsClient: true },
  )
  try {
    const { conversationId } = await requestWithRetry(first)
    const chat = server.chat(conversationId)
    if (chat === undefined) throw new Error(`no chat ${conversationId}`)
    chat.accept({ name: 'Natalie', id: 7 })
    installFaults(
      server,
      conversationId,
      s.faults.map((f) => ({ route: f.method === 'GET' ? 'chat' : 'events', method: f.method, skip: f.skip, times: f.times, fault: f.fault })),
    )
    const before = new Recorder<MessagingEventChange>(first.messagingEvents$(conversationId))
    interface Line {
      readonly text: string
      readonly onFirst: boolean
      outcome?: PromiseSettledResult<{ readonly sequence: number }>
      readonly done: Promise<unknown>
    }
    const lines: Line[] = []
    const publish = (connection: Connection, t: string): void => {
      const line: Line = {
        text: t,
        onFirst: connection === first,
        done: connection.publishEvent(conversationId, message(t)).then(
          (value) => (line.outcome = { status: 'fulfilled', value }),
          (reason: unknown) => (line.outcome = { status: 'rejected', reason }),
        ),
      }
      lines.push(line)
    }
    const caughtUp = async (recorder: Recorder<MessagingEventChange>, deliveredBefore = -1): Promise<void> => {
      const last = loggedMessages(chat).at(-1)
      if (last !== undefined && Number(last['@id']) > deliveredBefore) await within(recorder.next((c) => 'sequence' in c && c.sequence >= Number(last['@id'])), 20_000, 'catching up')
    }

    for (const st of s.before) {
      if (st.kind === 'say') chat.say(st.text)
      else if (st.kind === 'visitor') publish(first, st.text)
      else await caughtUp(before)
    }
    // Death: the sockets go (a request may be in flight), the subscriber stops; no close(). Lines
    // it had not settled are abandoned: they may or may not have reached the server.
    const unsettledAtDeath = lines.filter((line) => line.outcome === undefined)
    before.stop()
    await dispatcher.destroy()
    const delivered = sequenced(before.values)
    const lastSeq = delivered.at(-1)?.sequence ?? -1

    const after = new Recorder<MessagingEventChange>(second.messagingEvents$(conversationId, { fromSeq: lastSeq + 1 }))
    for (const st of s.after) {
      if (st.kind === 'say') chat.say(st.text)
      else if (st.kind === 'visitor') publish(second, st.text)
      else await caughtUp(after, lastSeq)
    }
    await within(Promise.all(lines.filter((line) => !line.onFirst).map((line) => line.done)), 30_000, 'lines settling')
    chat.end()
    await within(after.done(), 30_000, 'the resumed stream completing')

    const log = loggedMessages(chat)
    const { problems, lost, duplicated } = compareWithLog([...delivered, ...sequenced(after.values)], log)
    if (sequenced(after.values).some((c) => c.sequence <= lastSeq)) problems.push(`resumed stream repeated an event at or below ${lastSeq}`)
    // Lines the dead process had not settled may or may not have landed, but never twice; every other line landed once.
    const landed = chat.visitorLines()
    for (const [i, line] of lines.entries()) {
      if (unsettledAtDeath.includes(line)) continue
      if (line.outcome?.status === 'fulfilled') {
        const sequence = line.outcome.value.sequence
        const event = landed.find((e) => Number(e['@id']) === sequence)
        if (event?.['text'] !== line.text) problems.push(`line ${i} (${line.text}) resolved with ${sequence}: ${JSON.stringify(event?.['text'])}`)
      } else problems.push(`line ${i} (${line.text}) rejected: ${String(line.outcome?.reason)}`)
    }
    const resolved = lines.length - unsettledAtDeath.length
    if (landed.length < resolved || landed.length > lines.length) {
      problems.push(`${landed.length} visitor lines in the log; ${resolved} resolved, ${unsettledAtDeath.length} unsettled at death`)
    }
    totals.resumes += 1
    totals.messagesChecked += log.length
    totals.inFlightAtDeath += unsettledAtDeath.length
    totals.lost += lost
    totals.duplicated += duplicated
    if (problems.length > 0) throw new Error(`conversation ${conversationId}, resumed from ${lastSeq + 1}:\n  ${problems.join('\n  ')}`)
  } finally {
    server.faults.clear()
    await first.close()
    await second.close()
  }
}

describe('resume after the process dies', () => {
  test(
    'a new connection from the last delivered sequence + 1 loses and repeats nothing',
    async () => {
      await assertProperty(fc.asyncProperty(scenario, runScenario), RUNS, 'resume')
      expect(totals.lost + totals.duplicated).toBe(0)
    },
    soak ? 3_600_000 : 120_000,
  )
})
