// Section 5: the gateway. Each figure beside its baseline from the same run: a bare `ws` echo server
// (the transport floor) and the in-process Messaging socket (the same engine without the network).
// Clients and servers share this process, so CPU and memory figures hold both ends — the baseline
// too, which is why the difference between the rows is the gateway's own share.
import type { ConnectionOptions } from '@chatbridge/adapter'
import { startGateway } from '@chatbridge/gateway'
import type { Gateway } from '@chatbridge/gateway'
import { startLegacyChatServer } from '@chatbridge/testing'
import type { LegacyChatServer } from '@chatbridge/testing'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { authHeaders, echoServer, inProcessChannel, request, waitFor, wsChannel } from './gateway-channels.js'
import type { Channel } from './gateway-channels.js'
import { fmt } from './measure.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const accountId = '12345678'
/** Short fixed intervals, so a notification's delay is the carrier's, not a long poll wait. */
const pacing: ConnectionOptions = { chattingIntervalMs: 20, waitingIntervalMs: 20, minKeepAliveMs: 20, lastSubscriberGraceMs: 5 }

/** One contender's memory for N idle sockets. */
export interface IdleResult { readonly carrier: string; readonly sockets: number; readonly heapPerSocketBytes: number; readonly rssPerSocketBytes: number; readonly openMs: number }
/** Request/response round trips per second, `inFlight` on each of `sockets`. */
export interface FramesResult { readonly carrier: string; readonly sockets: number; readonly inFlight: number; readonly requestsPerSecond: number; readonly cpuUsPerRequest: number }
/** Agent line appended → its notification at the consumer. */
export interface DelayResult { readonly carrier: string; readonly samples: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number }
/** `consumers` connecting at once, each until its first answer. */
export interface BurstResult { readonly carrier: string; readonly consumers: number; readonly allMs: number; readonly p50Ms: number; readonly p99Ms: number; readonly failures: number }
/** The gateway section's figures. */
export interface GatewayBenchResult { readonly idle: readonly IdleResult[]; readonly frames: readonly FramesResult[]; readonly delay: readonly DelayResult[]; readonly burst: readonly BurstResult[] }

/** Sizes of one run. */
export interface GatewayBenchJob { readonly idleSockets: number; readonly framesMs: number; readonly delaySamples: number; readonly burstConsumers: number }

/** Runs the gateway section against the testing legacy server and a gateway on it, both in this process. */
export async function runGatewayBench(job: GatewayBenchJob): Promise<GatewayBenchResult> {
  const legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
  const gateway = await startGateway({
    accountId,
    legacy: { accountRoot: legacy.accountRoot, appKey: legacy.appKey, format: 'json', connection: pacing },
    maxSocketsPerAddress: 1_000_000,
    maxSocketsPerConsumer: 1_000_000,
    requestsPerSecond: 1e9,
    requestBurst: 1e9,
  })
  const echo = await echoServer()
  try {
    const idle = [
      await idleMemory('bare ws echo server', job.idleSockets, () => wsChannel(echo.url)),
      await idleMemory('gateway (a consumer each)', job.idleSockets, async () => wsChannel(gateway.wsUrl, { authorization: `jwt ${await signup(gateway)}` }), true),
    ]
    const jwt = await signup(gateway)
    const frames: FramesResult[] = []
    for (const sockets of [1, 8]) {
      frames.push(await framesPerSecond('bare ws echo server', sockets, job.framesMs, () => wsChannel(echo.url), jwt))
      frames.push(await framesPerSecond('in-process socket', sockets, job.framesMs, () => inProcessChannel(legacy.accountRoot, legacy.appKey, pacing), jwt))
      frames.push(await framesPerSecond('gateway', sockets, job.framesMs, () => wsChannel(gateway.wsUrl), jwt))
    }
    // One after the other: the testing server hands each new chat to the first waiting nextChat().
    const inProcess = await notificationDelay(await inProcessChannel(legacy.accountRoot, legacy.appKey, pacing), legacy, await signup(gateway), job.delaySamples)
    const viaGateway = await notificationDelay(await wsChannel(gateway.wsUrl), legacy, await signup(gateway), job.delaySamples)
    const delay = [summary('in-process socket', inProcess), summary('gateway', viaGateway)]
    const tokens = await signups(gateway, job.burstConsumers)
    const burst = [
      await connectAtOnce('bare ws echo server', job.burstConsumers, () => Promise.resolve(echo.url), () => ({})),
      await connectAtOnce('gateway, tokens signed before', job.burstConsumers, () => Promise.resolve(gateway.wsUrl), (i) => ({ authorization: `jwt ${tokens[i] ?? ''}` })),
      await connectAtOnce('gateway, signup included', job.burstConsumers, () => Promise.resolve(gateway.wsUrl), undefined, gateway),
    ]
    return { idle, frames, delay, burst }
  } finally {
    await echo.close()
    await gateway.close()
    await legacy.close()
  }
}

async function signup(gateway: Gateway): Promise<string> {
  const res = await fetch(`${gateway.url}/api/account/${accountId}/signup`, { method: 'POST' })
  if (res.status !== 200) throw new Error(`signup answered ${String(res.status)}`)
  return ((await res.json()) as { jwt: string }).jwt
}

async function signups(gateway: Gateway, count: number): Promise<string[]> {
  const tokens: string[] = []
  for (let i = 0; i < count; i += 100) tokens.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => signup(gateway)))))
  return tokens
}

function memory(): { heap: number; rss: number } {
  gc()
  gc()
  const { heapUsed, rss } = process.memoryUsage()
  return { heap: heapUsed, rss }
}

async function idleMemory(carrier: string, count: number, open: () => Promise<Channel>, settleConsumers = false): Promise<IdleResult> {
  const channels: Channel[] = []
  const before = memory()
  const started = performance.now()
  for (let i = 0; i < count; i += 100) channels.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, open))))
  const openMs = performance.now() - started
  // Each authenticated socket answers once, so its consumer's connection exists before measuring.
  if (settleConsumers) await Promise.all(channels.map((channel, i) => request(channel, `c${i}`, 'GetClock')))
  const after = memory()
  await Promise.all(channels.map((channel) => channel.close()))
  return { carrier, sockets: count, heapPerSocketBytes: (after.heap - before.heap) / count, rssPerSocketBytes: (after.rss - before.rss) / count, openMs }
}

async function framesPerSecond(carrier: string, sockets: number, durationMs: number, open: () => Promise<Channel>, jwt: string): Promise<FramesResult> {
  const inFlight = 32
  const channels = await Promise.all(Array.from({ length: sockets }, open))
  await Promise.all(channels.map((channel) => request(channel, 'init', 'InitConnection', {}, authHeaders(jwt))))
  // The in-process socket answers in a microtask: the loop checks the clock itself, as no timer would run.
  let answered = 0
  let pending = sockets * inFlight
  let finished = (): void => undefined
  const allAnswered = new Promise<void>((resolve) => (finished = resolve))
  const cpu = process.cpuUsage()
  const started = performance.now()
  const deadline = started + durationMs
  const stops = channels.map((channel, c) => {
    let next = 0
    const send = (): void => channel.send(JSON.stringify({ kind: 'req', id: `${c}-${next++}`, type: 'GetClock', body: {} }))
    const stop = channel.onFrame((text) => {
      if (!text.includes('"kind":"resp"')) return
      answered += 1
      if (performance.now() < deadline) return send()
      pending -= 1
      if (pending === 0) finished()
    })
    for (let i = 0; i < inFlight; i += 1) send()
    return stop
  })
  await allAnswered
  const used = process.cpuUsage(cpu)
  const seconds = (performance.now() - started) / 1000
  const done = answered
  for (const stop of stops) stop()
  await Promise.all(channels.map((channel) => channel.close()))
  return { carrier, sockets, inFlight, requestsPerSecond: done / seconds, cpuUsPerRequest: (used.user + used.system) / done }
}

async function notificationDelay(channel: Channel, legacy: LegacyChatServer, jwt: string, samples: number): Promise<number[]> {
  await request(channel, 'init', 'InitConnection', {}, authHeaders(jwt))
  const chatArrives = legacy.nextChat()
  const answer = JSON.parse(await request(channel, 'req', 'cm.ConsumerRequestConversation', { skillId: 'Sales', brandId: accountId })) as { body: { conversationId: string } }
  const dialogId = answer.body.conversationId
  const chat = await chatArrives
  await request(channel, 'sub', 'ms.SubscribeMessagingEvents', { dialogId, fromSeq: 0 })
  chat.accept({ name: 'Natalie', id: 7 })
  const delays: number[] = []
  for (let i = 0; i < samples; i += 1) {
    // A random phase against the poll loop, as agents' lines arrive.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 25))
    const text = `line ${i} of ${dialogId}`
    const seen = waitFor(channel, (frame) => frame.includes(text))
    const started = performance.now()
    chat.say(text)
    await seen
    delays.push(performance.now() - started)
  }
  await request(channel, 'close', 'cm.UpdateConversationField', { conversationId: dialogId, conversationField: [{ field: 'ConversationStateField', conversationState: 'CLOSE' }] })
  await channel.close()
  return delays
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

function summary(carrier: string, delays: readonly number[]): DelayResult {
  const sorted = [...delays].sort((a, b) => a - b)
  return { carrier, samples: sorted.length, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), maxMs: sorted[sorted.length - 1] ?? 0 }
}

async function connectAtOnce(
  carrier: string,
  count: number,
  url: () => Promise<string>,
  headers: ((i: number) => Record<string, string>) | undefined,
  signupAt?: Gateway,
): Promise<BurstResult> {
  const times: number[] = []
  const channels: Channel[] = []
  const started = performance.now()
  const outcomes = await Promise.allSettled(
    Array.from({ length: count }, async (_, i) => {
      const auth = signupAt === undefined ? (headers?.(i) ?? {}) : { authorization: `jwt ${await signup(signupAt)}` }
      const channel = await wsChannel(await url(), auth)
      channels.push(channel)
      await request(channel, `b${i}`, 'GetClock')
      times.push(performance.now() - started)
    }),
  )
  const allMs = performance.now() - started
  await Promise.all(channels.map((channel) => channel.close()))
  const sorted = times.sort((a, b) => a - b)
  return { carrier, consumers: count, allMs, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), failures: outcomes.filter((o) => o.status === 'rejected').length }
}

/** The section's tables, in the order main prints them. */
export function gatewayTables(result: GatewayBenchResult): readonly [string, Record<string, string>[]][] {
  return [
    ['5a. Gateway: memory per idle socket (clients in the same process: the echo row is the floor)', result.idle.map((r) => ({
      carrier: r.carrier, sockets: fmt(r.sockets), 'heap KiB/socket': fmt(r.heapPerSocketBytes / 1024, 1), 'RSS KiB/socket': fmt(r.rssPerSocketBytes / 1024, 1), 'open all ms': fmt(r.openMs),
    }))],
    ['5b. Gateway: GetClock round trips per second (32 in flight per socket; CPU holds both ends)', result.frames.map((r) => ({
      carrier: r.carrier, sockets: fmt(r.sockets), 'requests/s': fmt(r.requestsPerSecond), 'CPU µs/request': fmt(r.cpuUsPerRequest, 1),
    }))],
    ['5c. Gateway: agent line appended → notification at the consumer (20 ms polls, same scenario one after the other)', result.delay.map((r) => ({
      carrier: r.carrier, samples: fmt(r.samples), 'p50 ms': fmt(r.p50Ms, 1), 'p99 ms': fmt(r.p99Ms, 1), 'max ms': fmt(r.maxMs, 1),
    }))],
    ['5d. Gateway: consumers connecting at once, each until its first answer', result.burst.map((r) => ({
      carrier: r.carrier, consumers: fmt(r.consumers), 'all answered ms': fmt(r.allMs), 'p50 ms': fmt(r.p50Ms), 'p99 ms': fmt(r.p99Ms), failures: fmt(r.failures),
    }))],
  ]
}
