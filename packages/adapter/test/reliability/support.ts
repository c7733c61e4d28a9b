import fc from 'fast-check'
import type { FaultHandle, FaultRule, LegacyChat, LegacyChatServer, WireEvent } from '@chatbridge/testing'
import type { Connection } from '../../src/connection.js'
import type { ConnectionOptions } from '../../src/connection-options.js'
import { htmlToPlainText } from '../../src/html-to-plain-text.js'
import type { MessagingEventChange, SequencedEventChange } from '../../src/messaging-types.js'

/** True when the soak run (`pnpm test:soak`) asked for thousands of runs. */
export const soak = process.env['CHATBRIDGE_SOAK'] === '1'

/**
 * Fast pacing for reliability runs on real timers: polls every few ms, backoff of tens of ms, and
 * a keep-alive cap (2% of chatTimeout) that also bounds a `Retry-After` of whole seconds.
 */
export const reliabilityConfig: ConnectionOptions = {
  chattingIntervalMs: 4,
  waitingIntervalMs: 4,
  backoffBaseMs: 4,
  backoffMaxMs: 30,
  minKeepAliveMs: 20,
  keepAliveFraction: 0.02,
  interactionTimeoutS: 5,
  lastSubscriberGraceMs: 5,
  // A timed-out POST applied late by the server (latency fault) is found on the second look.
  reconcileWindowMs: 100,
  maxCommandAttempts: 30,
}

/** Client request timeout of reliability runs; a `latency` fault longer than it is a timeout. */
export const requestTimeoutMs = 100

/** Rejects with a message naming `what` if `promise` has not settled within `ms` (a bound, not a sleep). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  try {
    return await Promise.race([promise, bound])
  } finally {
    clearTimeout(timer)
  }
}

export const sequenced = (changes: readonly MessagingEventChange[]): SequencedEventChange[] =>
  changes.filter((c): c is SequencedEventChange => 'sequence' in c)

/** The server's events that become sequenced Messaging changes (every event but `state`). */
export const loggedMessages = (chat: LegacyChat): WireEvent[] => chat.events.filter((e) => e['@type'] !== 'state')

/**
 * Compares what a subscriber received with the server's event log: the same ids, in order, each
 * once, and each carrying the server's content and role. Returns the problems found (empty when
 * equal) and the counts of lost and duplicated events.
 */
export function compareWithLog(
  received: readonly SequencedEventChange[],
  log: readonly WireEvent[],
): { readonly problems: string[]; readonly lost: number; readonly duplicated: number } {
  const problems: string[] = []
  const got = received.map((c) => c.sequence)
  const want = log.map((e) => Number(e['@id']))
  const counts = new Map<number, number>()
  for (const s of got) counts.set(s, (counts.get(s) ?? 0) + 1)
  const duplicated = [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0)
  const lost = want.filter((id) => !counts.has(id)).length
  const extra = got.filter((s) => !want.includes(s))
  if (lost > 0) problems.push(`lost ${lost}: ${want.filter((id) => !counts.has(id)).join(',')}`)
  if (duplicated > 0) problems.push(`duplicated ${duplicated}`)
  if (extra.length > 0) problems.push(`not in the log: ${extra.join(',')}`)
  if (problems.length === 0 && got.join(',') !== want.join(',')) problems.push(`out of order: got ${got.join(',')}, want ${want.join(',')}`)
  const byId = new Map(log.map((e) => [Number(e['@id']), e]))
  for (const change of received) {
    const event = byId.get(change.sequence)
    if (event === undefined) continue
    const expected = expectedContent(event)
    const actual = change.event.type === 'ContentEvent' ? change.event.message : change.event.type
    if (expected.message !== actual) problems.push(`${change.sequence}: message ${JSON.stringify(actual)}, want ${JSON.stringify(expected.message)}`)
    if (expected.role !== change.originatorMetadata.role) problems.push(`${change.sequence}: role ${change.originatorMetadata.role}, want ${expected.role}`)
  }
  return { problems, lost, duplicated }
}

function expectedContent(event: WireEvent): { readonly message: string; readonly role: string } {
  const source = event['source']
  const role = source === 'visitor' ? 'CONSUMER' : source === 'agent' ? 'ASSIGNED_AGENT' : 'CONTROLLER'
  if (event['@type'] === 'line') {
    const text = String(event['text'])
    return { message: event['textType'] === 'html' ? htmlToPlainText(text) : text, role }
  }
  if (event['@type'] === 'url') return { message: String(event['url']), role: 'ASSIGNED_AGENT' }
  return { message: 'AcceptStatusEvent', role }
}

/** Installs fault rules for one chat only. */
export function installFaults(server: LegacyChatServer, chatId: string, rules: readonly Omit<FaultRule, 'when'>[]): FaultHandle[] {
  return rules.map((rule) => server.faults.add({ ...rule, when: (request) => request.chatId === chatId }))
}

/** Setup, not under test (no faults yet): a chat request that timed out on a busy machine is tried again. */
export async function requestWithRetry(connection: Connection): Promise<{ readonly conversationId: string }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await within(connection.requestConversation({ skillId: 'Sales' }), 5000, 'request a conversation')
    } catch (error) {
      if (attempt >= 10) throw error
    }
  }
}

/** `CHATBRIDGE_SEED` / `CHATBRIDGE_PATH`: replay one printed failure. */
const replay: { seed?: number; path?: string } = {
  ...(process.env['CHATBRIDGE_SEED'] === undefined ? {} : { seed: Number(process.env['CHATBRIDGE_SEED']) }),
  ...(process.env['CHATBRIDGE_PATH'] === undefined ? {} : { path: process.env['CHATBRIDGE_PATH'] }),
}

/** True when one failure is being replayed. */
export const replaying = replay.seed !== undefined

/**
 * Runs an async property `numRuns` times; on failure throws fast-check's report followed by the
 * command that replays it. Shrinking replays real conversations, so it is off unless
 * `CHATBRIDGE_SHRINK=1`.
 */
export async function assertProperty<T>(property: fc.IAsyncProperty<[T]>, numRuns: number, file: string): Promise<void> {
  const details = await fc.check(property, { numRuns, endOnFailure: process.env['CHATBRIDGE_SHRINK'] !== '1', ...replay })
  if (!details.failed) return
  const report = (await fc.asyncDefaultReportMessage(details)) ?? 'property failed'
  throw new Error(
    `${report}\n\nReplay: CHATBRIDGE_SEED=${details.seed} CHATBRIDGE_PATH=${details.counterexamplePath ?? ''} pnpm exec vitest run --project adapter test/reliability/${file}`,
    { cause: details.errorInstance },
  )
}
