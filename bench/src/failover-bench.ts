// Failover time over many kills: real `chatbridge gateway` processes on one Redis, the holder SIGKILLed, kill → another process's first GET.
import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLegacyChatServer } from '@chatbridge/testing'
import type { LegacyChat, LegacyChatServer } from '@chatbridge/testing'
import { BenchConsumer } from './bench-consumer.js'
import { type GatewayProcess, type GatewaySettings, startGatewayProcess } from './gateway-process.js'
import { fmt } from './measure.js'
import { startBenchRedis } from './redis-server.js'

// Each round puts two new chats on the next process in turn, SIGKILLs it and restarts it. One
// consumer reconnects to another process as soon as its socket closes (that process's TTL/4 retry
// of the held lease takes the chat); the other stays away (only the orphan sweep can take it: TTL/3
// free, found within a TTL/6 period). The delay is read from the testing server's request log: the
// kill → the chat's first GET that arrived after the victim had exited.

/** Sizes of the failover run. */
export interface FailoverJob {
  readonly kills: number
  readonly processes: number
  readonly leaseTtlMs: number
  readonly pollMs: number
}

/** Delays of one run, by path, in ms, and the load. */
export interface FailoverResult {
  readonly job: FailoverJob
  readonly reconnecting: number[]
  readonly away: number[]
  readonly loads: number[]
  readonly seconds: number
}

interface Placed {
  readonly jwt: string
  readonly socket: BenchConsumer
  readonly conversationId: string
  readonly chat: LegacyChat
}

async function place(legacy: LegacyChatServer, gateway: GatewayProcess): Promise<Placed> {
  const jwt = await BenchConsumer.signup(gateway.url, legacy.accountId)
  const socket = await BenchConsumer.open(gateway.wsUrl, jwt)
  const arrives = legacy.nextChat()
  const requested = socket.request('cm.ConsumerRequestConversation', { skillId: 'Sales', brandId: legacy.accountId })
  const chat = await arrives
  chat.accept({ name: 'Bench', id: 7 })
  const conversationId = String((await requested).body?.conversationId)
  await socket.subscribe(conversationId)
  return { jwt, socket, conversationId, chat }
}

function firstGet(legacy: LegacyChatServer, chat: LegacyChat, after: number): Promise<number> {
  return legacy.requests.waitFor((entry) => entry.chatId === chat.id && entry.effectiveMethod === 'GET' && entry.time >= after).then((entry) => entry.time)
}

/** Runs `job.kills` rounds; every process is stopped at the end. */
export async function runFailoverBench(job: FailoverJob): Promise<FailoverResult> {
  const redis = await startBenchRedis()
  const legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: 1000, logLimit: 20_000 })
  const dir = await mkdtemp(join(tmpdir(), 'chatbridge-failover-bench-'))
  const gateways: GatewayProcess[] = []
  const result: FailoverResult = { job, reconnecting: [], away: [], loads: [], seconds: 0 }
  const started = performance.now()
  try {
    const keyFile = join(dir, 'signing-key.json')
    await writeFile(keyFile, JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })))
    const settings: GatewaySettings = { redisUrl: redis.url, accountRoot: legacy.accountRoot, appKey: legacy.appKey, keyFile, leaseTtlMs: job.leaseTtlMs, pollMs: job.pollMs }
    gateways.push(...(await Promise.all(Array.from({ length: job.processes }, () => startGatewayProcess(settings)))))
    for (let round = 0; round < job.kills; round += 1) {
      const slot = round % gateways.length
      const victim = gateways[slot]!
      const other = gateways[(slot + 1) % gateways.length]!
      const back = await place(legacy, victim)
      const away = await place(legacy, victim)
      // Both held and polled by the victim before the kill.
      const placedAt = Date.now()
      await Promise.all([firstGet(legacy, back.chat, placedAt), firstGet(legacy, away.chat, placedAt)])
      const killAt = Date.now()
      await victim.kill()
      const deadAt = Date.now()
      const restarted = startGatewayProcess(settings)
      const reconnected = back.socket.closed.then(async () => {
        const socket = await BenchConsumer.open(other.wsUrl, back.jwt)
        await socket.subscribe(back.conversationId)
        return socket
      })
      reconnected.catch(() => undefined)
      const [backAt, awayAt] = await Promise.all([firstGet(legacy, back.chat, deadAt), firstGet(legacy, away.chat, deadAt)])
      result.reconnecting.push(backAt - killAt)
      result.away.push(awayAt - killAt)
      result.loads.push(loadavg()[0] ?? 0)
      // Ended, so earlier rounds' chats do not fail over again (and load later rounds).
      await (await reconnected).close()
      back.chat.end()
      away.chat.end()
      gateways[slot] = await restarted
    }
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.kill()))
    await legacy.close()
    await redis.stop()
    await rm(dir, { recursive: true, force: true })
  }
  return { ...result, seconds: (performance.now() - started) / 1000 }
}

function rank(samples: readonly number[], share: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? 0
}

/** The table: p50 / p95 / max per path against its bound. */
export function failoverRows(result: FailoverResult): Array<Record<string, string>> {
  const { leaseTtlMs: ttl, pollMs: poll } = result.job
  const paths = [
    { path: 'consumer reconnects at once (TTL/4 retry)', samples: result.reconnecting, bound: ttl + ttl / 4 + poll, formula: 'TTL + TTL/4 + poll' },
    { path: 'consumer stays away (orphan sweep)', samples: result.away, bound: ttl + ttl / 2 + poll, formula: 'TTL + TTL/3 + TTL/6 + poll' },
  ]
  return paths.map(({ path, samples, bound, formula }) => ({
    path,
    kills: fmt(samples.length),
    'p50 ms': fmt(rank(samples, 0.5)),
    'p95 ms': fmt(rank(samples, 0.95)),
    'max ms': fmt(Math.max(...samples)),
    'min ms': fmt(Math.min(...samples)),
    bound: `${formula} = ${fmt(bound)}`,
    'within bound': `${samples.filter((delay) => delay <= bound).length}/${samples.length}`,
    'TTL / poll ms': `${fmt(ttl)} / ${fmt(poll)}`,
    'load (min–max)': `${fmt(Math.min(...result.loads), 1)}–${fmt(Math.max(...result.loads), 1)}`,
  }))
}
