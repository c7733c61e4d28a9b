// Failover with real gateway child processes: three `chatbridge gateway --redis` processes on one
// Redis and the testing server with light faults; a seeded schedule SIGKILLs one mid-conversation
// (and starts it again); its consumers reconnect to the others. Nothing lost, nothing sent twice,
// no legacy chat timed out, and another process polls each orphaned chat within the lease bound.
import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLegacyChatServer } from '@chatbridge/testing'
import type { LegacyChat, LegacyChatServer } from '@chatbridge/testing'
import { afterEach, expect, test, vi } from 'vitest'
import { describeWithRedis } from '../../../redis/test/support/redis-suite.js'
import { type CliProcess, startCli } from '../run-cli.js'
import { failoverSchedule } from './failover-schedule.js'
import { WsConsumer } from './ws-consumer.js'

const leaseTtlMs = 1600
const pollMs = 400
/**
 * Leases are renewed every TTL/3 and a reconnecting consumer's process tries a held lease again
 * every TTL/4 (= the poll interval here), so the first poll after the kill comes at most TTL + TTL/4
 * after it; the slack covers the take-over's few Redis round trips and the GET itself on a loaded
 * 2-core machine.
 */
const slackMs = 400
/** A chat whose consumer is away is taken by the orphan sweep: lease expiry, then the sweep's grace and period (TTL/3 + TTL/6), then its poll. */
const sweptBoundMs = leaseTtlMs + leaseTtlMs / 3 + leaseTtlMs / 6 + pollMs
const processes = 3
const consumers = 4
const soak = process.env['CHATBRIDGE_SOAK'] === '1'
const replay = process.env['CHATBRIDGE_FAILOVER_SEED']
const soakBase = Math.floor(Math.random() * 1e6)
const seeds = replay !== undefined ? [Number(replay)] : soak ? Array.from({ length: 200 }, (_, i) => soakBase + i) : [3, 9]
const file = 'packages/cli/test/failover/failover.test.ts'

vi.setConfig({ testTimeout: 90_000 })
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

interface GatewayProcess {
  readonly cli: CliProcess
  readonly url: string
  readonly wsUrl: string
}

interface Consumer {
  readonly index: number
  readonly jwt: string
  readonly conversationId: string
  readonly chat: LegacyChat
  readonly sent: string[]
  /** Every socket it had, the last one current. */
  readonly sockets: WsConsumer[]
}

describeWithRedis('failover between gateway processes', (redis) => {
  test.each(seeds)('seeded schedule %i', async (seed) => {
    try {
      await runSchedule(redis().url, seed)
    } catch (error) {
      throw new Error(`failover schedule ${seed} failed: ${String(error)}\n\nReplay: CHATBRIDGE_FAILOVER_SEED=${seed} pnpm exec vitest run --project cli ${file}`, { cause: error })
    }
  })
})

async function runSchedule(redisUrl: string, seed: number): Promise<void> {
  const schedule = failoverSchedule(seed, consumers, processes)
  const legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: null, seed })
  cleanups.push(() => legacy.close())
  installLightFaults(legacy, seed)
  const dir = await mkdtemp(join(tmpdir(), 'chatbridge-failover-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  const keyFile = join(dir, 'signing-key.json')
  await writeFile(keyFile, JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })))
  const start = (): Promise<GatewayProcess> => startGatewayProcess(redisUrl, legacy, keyFile)
  const gateways: GatewayProcess[] = await Promise.all(Array.from({ length: processes }, start))

  // One consumer at a time, so the server's next chat is that consumer's.
  const all: Consumer[] = []
  for (const [index, on] of schedule.startOn.entries()) all.push(await startConsumer(index, gateways[on]!, legacy))
  let exchanges = 0
  const exchange = async (consumer: Consumer): Promise<void> => {
    const n = ++exchanges
    const socket = consumer.sockets.at(-1)!
    const line = `c${consumer.index} line ${n}`
    consumer.sent.push(line)
    const answer = await socket.say(consumer.conversationId, line)
    expect(answer.code, `consumer ${consumer.index}'s line ${n}: ${JSON.stringify(answer.body)}`).toBe(200)
    await consumer.chat.waitForVisitorLine(line)
    const reply = `agent to c${consumer.index}, ${n}`
    consumer.chat.say(reply)
    await socket.message(reply)
  }
  for (let i = 0; i < schedule.exchangesBeforeKill; i += 1) await exchange(all[i % all.length]!)

  // The kill: mid-conversation, no chance to release a lease or write anything.
  const orphans = all.filter((c) => schedule.startOn[c.index] === schedule.victim)
  const killAt = Date.now()
  gateways[schedule.victim]!.cli.child.kill('SIGKILL')
  await gateways[schedule.victim]!.cli.exit()
  const deadAt = Date.now()
  await Promise.all(orphans.map((c) => c.sockets.at(-1)!.closed))
  const restarted = schedule.restartDuringOutage ? start() : undefined
  // During the outage: the agent goes on talking to some orphans, and the other consumers chat on.
  const outageLines = new Map(orphans.filter((c) => schedule.agentLineInOutage[c.index]).map((c) => [c.index, c.chat.say(`agent to c${c.index} during the outage`)]))
  const survivors = gateways.filter((_, i) => i !== schedule.victim)
  await Promise.all([
    ...orphans.map(async (c) => {
      const preferred = gateways[schedule.reconnectTo[c.index]!]!
      // Away until another process polls the chat: only the orphan sweep can have taken it over.
      const away = schedule.reconnectLate[c.index] === true
      if (away) await firstPollAfter(legacy, c.chat, deadAt)
      const socket = away ? await reconnectToHolder(c, [preferred, ...survivors.filter((g) => g !== preferred)], restarted) : await WsConsumer.open(preferred.wsUrl, c.jwt)
      c.sockets.push(socket)
      expect((await socket.request('ms.SubscribeMessagingEvents', { dialogId: c.conversationId, fromSeq: 0 })).code).toBe(200)
      if (outageLines.has(c.index)) await socket.message(`agent to c${c.index} during the outage`)
    }),
    ...all.filter((c) => !orphans.includes(c)).map((c) => exchange(c)),
  ])
  gateways[schedule.victim] = await (restarted ?? start())
  // The restarted process serves a new consumer on the same Redis; everyone talks once more.
  all.push(await startConsumer(all.length, gateways[schedule.victim]!, legacy))
  for (const c of all) await exchange(c)

  for (const c of all) {
    const log = c.chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id']))
    const [first, ...later] = c.sockets.map((s) => s.changes().flatMap((change) => (change.sequence === undefined ? [] : [change.sequence])))
    const last = later.at(-1) ?? first
    // The current socket (subscribed from 0) got the legacy log: 0 lost, 0 duplicated, in order;
    // a socket that died with its process got a prefix of it.
    expect(last, `consumer ${c.index}`).toEqual(log)
    if (later.length > 0) expect(log.slice(0, first!.length), `consumer ${c.index} before the kill`).toEqual(first)
    expect(c.chat.visitorLines().map((line) => String(line['text'])), `consumer ${c.index}'s lines`).toEqual(c.sent)
  }
  expect(legacy.chats().map((chat) => chat.endReason ?? chat.state)).toEqual(all.map(() => 'chatting'))
  // Kill → the first poll of each orphaned chat by another process, from the server's request log.
  const delays = orphans.map((c) => {
    const poll = legacy.requests.entries.find((entry) => entry.chatId === c.chat.id && entry.effectiveMethod === 'GET' && entry.time >= deadAt)
    return poll === undefined ? Infinity : poll.time - killAt
  })
  expect(orphans.length).toBeGreaterThan(0)
  const late = orphans.map((c) => schedule.reconnectLate[c.index] === true)
  if (process.env['CHATBRIDGE_FAILOVER_REPORT'] === '1') console.log(JSON.stringify({ seed, delays, late, faults: faultHits(legacy) }))
  for (const [i, delay] of delays.entries()) expect(delay, `orphan ${i}${late[i] === true ? ' (away)' : ''}`).toBeLessThanOrEqual((late[i] === true ? sweptBoundMs : leaseTtlMs + pollMs) + slackMs)
}

/** The consumer's open conversations, as the first conversation list of a new subscription tells them. */
async function openConversations(socket: WsConsumer): Promise<string[]> {
  expect((await socket.request('cqm.SubscribeExConversations', { convState: ['OPEN'] })).code).toBe(200)
  const first = await socket.until((f) => f.type === 'cqm.ExConversationChangeNotification', 'the conversation list')
  return ((first.body.changes ?? []) as { readonly result: { readonly convId: string } }[]).map((change) => change.result.convId)
}

function firstPollAfter(legacy: LegacyChatServer, chat: LegacyChat, at: number): Promise<unknown> {
  return legacy.requests.waitFor((entry) => entry.chatId === chat.id && entry.effectiveMethod === 'GET' && entry.time >= at)
}

/**
 * Reconnects `c` to the process that swept its chat up: each candidate in turn lists the consumer's
 * open conversations (a process that does not hold the chat lists it without, once its own try of
 * the lease gave up); the others' sockets are closed. Without cross-process fan-out only the holder serves it.
 */
async function reconnectToHolder(c: Consumer, candidates: readonly GatewayProcess[], restarted: Promise<GatewayProcess> | undefined): Promise<WsConsumer> {
  const all = restarted === undefined ? candidates : [...candidates, await restarted]
  for (const gateway of all) {
    const socket = await WsConsumer.open(gateway.wsUrl, c.jwt)
    cleanups.push(() => socket.close())
    if ((await openConversations(socket)).includes(c.conversationId)) return socket
    await socket.close()
  }
  throw new Error(`no gateway process holds consumer ${c.index}'s conversation after the sweep`)
}

/** Requests the server answered with an injected fault (the faults were on). */
function faultHits(legacy: LegacyChatServer): number {
  return legacy.requests.entries.filter((entry) => entry.fault !== undefined).length
}

async function startGatewayProcess(redisUrl: string, legacy: LegacyChatServer, keyFile: string): Promise<GatewayProcess> {
  const args = ['gateway', '--json', '--redis', redisUrl, '--lease-ttl', String(leaseTtlMs), '--poll-interval', String(pollMs), '--signing-key', keyFile]
  const cli = startCli(args, { CHATBRIDGE_ACCOUNT_ROOT: legacy.accountRoot, CHATBRIDGE_APP_KEY: legacy.appKey })
  cleanups.push(async () => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL')
    await cli.exit()
  })
  const { url, wsUrl } = JSON.parse(await cli.line(/^\{/, 30_000)) as { url: string; wsUrl: string }
  return { cli, url, wsUrl }
}

async function startConsumer(index: number, gateway: GatewayProcess, legacy: LegacyChatServer): Promise<Consumer> {
  const signup = await fetch(`${gateway.url}/api/account/${legacy.accountId}/signup`, { method: 'POST' })
  const { jwt } = (await signup.json()) as { jwt: string }
  const socket = await WsConsumer.open(gateway.wsUrl, jwt)
  cleanups.push(() => socket.close())
  const chatArrives = legacy.nextChat()
  const requested = await socket.request('cm.ConsumerRequestConversation', { skillId: 'Sales', brandId: legacy.accountId })
  expect(requested.code).toBe(200)
  const conversationId = String(requested.body.conversationId)
  const chat = await chatArrives
  expect((await socket.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })).code).toBe(200)
  chat.accept({ name: 'Natalie', id: 7 })
  return { index, jwt, conversationId, chat, sent: [], sockets: [socket] }
}

/** Light, seeded faults on the chats' own routes (the chat request is setup, not under test). */
function installLightFaults(legacy: LegacyChatServer, seed: number): void {
  const onChat = { when: (request: { readonly chatId: string | undefined }) => request.chatId !== undefined }
  legacy.faults.add({ ...onChat, route: 'events', method: 'GET', probability: 0.05, seed, fault: { kind: 'status', status: 503 } })
  legacy.faults.add({ ...onChat, route: 'events', method: 'POST', probability: 0.15, seed: seed + 1, fault: { kind: 'reset-after' } })
  legacy.faults.add({ ...onChat, probability: 0.1, seed: seed + 2, fault: { kind: 'latency', ms: 40 } })
}
