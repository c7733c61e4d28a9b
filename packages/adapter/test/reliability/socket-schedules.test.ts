import { type Fault, type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createMessagingSocket } from '../../src/messaging-socket.js'
import type { MessagingEventChange, ServerFrame } from '../../src/messaging-types.js'
import { compareWithLog, installFaults, loggedMessages, reliabilityConfig, requestTimeoutMs, sequenced, soak, within, assertProperty } from './support.js'

/*
 * The same promise through the Messaging socket, as a Messaging client sees it: every request
 * frame gets exactly one `resp`; `ms.MessagingEventNotification`s equal the server's event log;
 * each `ms.PublishEvent` answered 200 names the sequence of its own line, which is in the log once.
 * Replay a failure with CHATBRIDGE_SEED / CHATBRIDGE_PATH as printed.
 */

const RUNS = Number(process.env['CHATBRIDGE_RUNS'] ?? (soak ? 1000 : 60))

type Step = { readonly kind: 'say'; readonly text: string } | { readonly kind: 'publish'; readonly text: string } | { readonly kind: 'typing'; readonly on: boolean }

const text = fc.constantFrom('hi', 'ok', 'hi', 'done')
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('say' as const), text }),
  fc.record({ kind: fc.constant('publish' as const), text }),
  fc.record({ kind: fc.constant('typing' as const), on: fc.boolean() }),
)
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant({ kind: 'status' as const, status: 503, retryAfterS: 0 }),
  fc.constant({ kind: 'status' as const, status: 429, retryAfterS: 0 }),
  fc.constant({ kind: 'reset-before' as const }),
  fc.constant({ kind: 'reset-after' as const }),
  fc.constant({ kind: 'truncate' as const }),
  fc.constant({ kind: 'malformed' as const }),
  fc.constant({ kind: 'latency' as const, ms: requestTimeoutMs + 20 }),
)
interface Schedule {
  readonly format: 'json' | 'xml'
  readonly steps: readonly Step[]
  readonly faults: readonly { readonly route: 'chat' | 'events'; readonly skip: number; readonly times: number; readonly fault: Fault }[]
}

const schedule: fc.Arbitrary<Schedule> = fc.record({
  format: fc.constantFrom('json' as const, 'xml' as const),
  steps: fc.array(step, { maxLength: 8 }),
  faults: fc.array(
    fc.record({ route: fc.constantFrom('chat' as const, 'events' as const), skip: fc.integer({ min: 0, max: 6 }), times: fc.integer({ min: 1, max: 3 }), fault }),
    { maxLength: 4 },
  ),
})

const totals = { schedules: 0, frames: 0, messagesChecked: 0, lost: 0, duplicated: 0 }
let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null, logLimit: 1000 })
})
afterAll(async () => {
  await server.close()
  console.info(`socket schedules: ${JSON.stringify(totals)}`)
})

async function run(s: Schedule): Promise<void> {
  const socket = createMessagingSocket({ accountRoot: server.accountRoot, appKey: server.appKey, format: s.format, clientOptions: { requestTimeoutMs }, ...reliabilityConfig })
  const frames: ServerFrame[] = []
  const waiters = new Set<() => void>()
  socket.on('message', (data) => {
    frames.push(JSON.parse(data) as ServerFrame)
    for (const waiter of [...waiters]) waiter()
  })
  const until = (check: () => boolean, what: string): Promise<void> =>
    within(
      new Promise<void>((resolve) => {
        const waiter = (): void => {
          if (!check()) return
          waiters.delete(waiter)
          resolve()
        }
        waiters.add(waiter)
        waiter()
      }),
      20_000,
      what,
    )
  let nextId = 0
  const request = (type: string, body: unknown): Promise<ServerFrame> => {
    const id = `r${nextId++}`
    socket.send(JSON.stringify({ kind: 'req', id, type, body }))
    const answer = (): ServerFrame | undefined => frames.find((f) => f.kind === 'resp' && f.reqId === id)
    return until(() => answer() !== undefined, `the answer to ${type}`).then(() => answer() as ServerFrame)
  }
  const notified = (): MessagingEventChange[] =>
    frames.flatMap((f) => (f.kind === 'notification' && f.type === 'ms.MessagingEventNotification' ? (f.body.changes as MessagingEventChange[]) : []))
  try {
    await new Promise<void>((resolve) => socket.on('open', () => resolve()))
    const requested = await request('cm.ConsumerRequestConversation', { skillId: 'Sales' })
    const conversationId = (requested.body as { conversationId?: string }).conversationId ?? ''
    const chat = server.chat(conversationId)
    if (chat === undefined) throw new Error(`no chat (${JSON.stringify(requested)})`)
    const faults = installFaults(
      server,
      conversationId,
      s.faults.map((f) => ({ route: f.route, method: f.route === 'chat' ? 'GET' : 'POST', skip: f.skip, times: f.times, fault: f.fault })),
    )
    await request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })
    chat.accept({ name: 'Natalie', id: 7 })
    const published: { readonly text: string; readonly answer: Promise<ServerFrame> }[] = []
    const typing: Promise<ServerFrame>[] = []
    for (const st of s.steps) {
      if (st.kind === 'say') chat.say(st.text)
      else if (st.kind === 'publish') {
        published.push({ text: st.text, answer: request('ms.PublishEvent', { dialogId: conversationId, event: { type: 'ContentEvent', contentType: 'text/plain', message: st.text } }) })
      } else typing.push(request('ms.PublishEvent', { dialogId: conversationId, event: { type: 'ChatStateEvent', chatState: st.on ? 'COMPOSING' : 'ACTIVE' } }))
    }
    const answers = await Promise.all(published.map((p) => p.answer))
    await Promise.all(typing)
    chat.end()
    const lastId = Number(loggedMessages(chat).at(-1)?.['@id'] ?? -1)
    await until(() => sequenced(notified()).some((c) => c.sequence >= lastId), 'notifications reaching the end')
    const closed = await request('cm.UpdateConversationField', { conversationId, conversationField: { field: 'ConversationStateField', conversationState: 'CLOSE' } })

    const log = loggedMessages(chat)
    const { problems, lost, duplicated } = compareWithLog(sequenced(notified()), log)
    const lines = chat.visitorLines()
    const claimed = new Set<number>()
    answers.forEach((answer, i) => {
      const sequence = (answer.body as { sequence?: number }).sequence ?? -1
      const line = lines.find((l) => Number(l['@id']) === sequence)
      if (answer.kind !== 'resp' || answer.code !== 200) problems.push(`publish ${i} answered ${JSON.stringify(answer)}`)
      else if (line?.['text'] !== published[i]?.text || claimed.has(sequence)) problems.push(`publish ${i} (${published[i]?.text}) answered sequence ${sequence}`)
      claimed.add(sequence)
    })
    if (lines.length !== published.length) problems.push(`${published.length} published, ${lines.length} visitor lines in the log`)
    // Exactly one resp per request, whatever happened; closing an ended chat is still answered.
    const resps = frames.filter((f) => f.kind === 'resp').map((f) => String(f.reqId))
    if (new Set(resps).size !== resps.length || resps.length !== nextId) problems.push(`${nextId} requests, resps ${resps.join(',')}`)
    if (closed.kind !== 'resp') problems.push('no answer to closing')
    totals.schedules += 1
    totals.frames += frames.length
    totals.messagesChecked += log.length
    totals.lost += lost
    totals.duplicated += duplicated
    for (const handle of faults) handle.remove()
    if (problems.length > 0) throw new Error(`conversation ${conversationId}:\n  ${problems.join('\n  ')}`)
  } finally {
    socket.close()
  }
}

describe('fault schedules through the Messaging socket', () => {
  test(
    'one resp per request, notifications equal the log, each published line once',
    async () => {
      await assertProperty(fc.asyncProperty(schedule, run), RUNS, 'socket-schedules')
      expect(totals.lost + totals.duplicated).toBe(0)
    },
    soak ? 3_600_000 : 120_000,
  )
})
