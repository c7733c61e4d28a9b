import { Agent, request } from 'undici'
import { LegacyChatClient, trustedNextLink } from '@chatbridge/core'
import type { ChatSession } from '@chatbridge/core'
import { startChildServer } from './child-server.js'
import { fmt, pct, ratio, summarise } from './measure.js'
import type { Summary } from './measure.js'

/** One way of polling the chat resource. */
interface Contender {
  readonly name: string
  readonly setup: (root: string) => { poll: () => Promise<unknown>; close: () => Promise<void> }
}

const contenders: readonly Contender[] = [
  {
    name: 'floor: undici.request, body discarded',
    setup: (root) => {
      const dispatcher = new Agent({ connections: 32, pipelining: 1 })
      const url = `${root}/chat/H1-benchK1?v=1`
      return {
        poll: async () => {
          const response = await request(url, { dispatcher })
          await response.body.dump()
        },
        close: () => dispatcher.close(),
      }
    },
  },
  ...(['request', 'fetch'] as const).map((transport) => ({
    name: `chatbridge snapshot via ${transport === 'request' ? 'undici.request' : 'fetch + undici Agent'}`,
    setup: (root: string) => {
      const client = new LegacyChatClient({ accountRoot: root, appKey: 'bench-key', transport, connections: 32 })
      const chat = client.attach('H1-benchK1')
      return { poll: () => chat.snapshot(), close: () => client.close() }
    },
  })),
]

/** CPU per poll and polls per second of each contender, concurrency 32, server in a child process. */
export interface TransportResult {
  readonly name: string
  readonly cpuMicrosPerPoll: Summary
  readonly pollsPerSec: Summary
  readonly cpuVsFloor: number
}

export async function runTransportBench(polls: number, runs: number): Promise<TransportResult[]> {
  const server = await startChildServer(new URL('./fixed-server.js', import.meta.url))
  const root = `http://127.0.0.1:${server.port}/api/account/12345678`
  const samples = contenders.map(() => ({ cpu: [] as number[], rate: [] as number[] }))
  try {
    for (let run = 0; run < runs; run += 1) {
      for (const [index, contender] of contenders.entries()) {
        const { poll, close } = contender.setup(root)
        for (let i = 0; i < 200; i += 1) await poll()
        let left = polls
        const cpu0 = process.cpuUsage()
        const t0 = performance.now()
        await Promise.all(
          Array.from({ length: 32 }, async () => {
            while (left > 0) {
              left -= 1
              await poll()
            }
          }),
        )
        const elapsed = performance.now() - t0
        const cpu = process.cpuUsage(cpu0)
        await close()
        samples[index]?.cpu.push((cpu.user + cpu.system) / polls)
        samples[index]?.rate.push(polls / (elapsed / 1000))
      }
    }
  } finally {
    await server.stop()
  }
  const floorCpu = summarise(samples[0]?.cpu ?? []).median
  const rows = contenders.map((contender, index) => {
    const cpu = summarise(samples[index]?.cpu ?? [])
    return { name: contender.name, cpuMicrosPerPoll: cpu, pollsPerSec: summarise(samples[index]?.rate ?? []), cpuVsFloor: cpu.median / floorCpu }
  })
  return [...rows, ...(await runIdlePollBench(polls, runs))]
}

/**
 * Core's idle poll (`followNext` of a trusted next link, no new events) against the same request
 * by hand (`undici.request` + `body.text()` + `JSON.parse`, with `v=1&NC=true`): the ratio is the
 * price of the typed client per poll. The scale server's chats stay idle until told otherwise.
 */
async function runIdlePollBench(polls: number, runs: number): Promise<TransportResult[]> {
  const server = await startChildServer(new URL('./scale-server.js', import.meta.url), ['5000', '1000'])
  const root = `http://127.0.0.1:${server.port}/api/account/12345678`
  const client = new LegacyChatClient({ accountRoot: root, appKey: 'bench-app-key-0123456789abcdef', entryPoints: 'documented-paths', connections: 32 })
  const dispatcher = new Agent({ connections: 32, pipelining: 1 })
  const headers = { authorization: 'LivePerson appKey=bench-app-key-0123456789abcdef', accept: 'application/json' }
  try {
    const chats: Array<{ session: ChatSession; next: URL; versioned: URL }> = []
    for (let i = 0; i < 32; i += 1) {
      const session = await client.startChat()
      const snapshot = await session.snapshot({ from: 0 })
      const next = trustedNextLink(snapshot.links, (snapshot.events.events.at(-1)?.id ?? -1) + 1) ?? session.uri
      const versioned = new URL(next)
      versioned.searchParams.set('v', '1')
      versioned.searchParams.set('NC', 'true')
      chats.push({ session, next, versioned })
    }
    const ways: ReadonlyArray<readonly [string, (chat: (typeof chats)[number]) => Promise<unknown>]> = [
      ['idle poll floor: undici.request + text + JSON.parse', async (chat): Promise<unknown> => JSON.parse(await (await request(chat.versioned, { headers, dispatcher })).body.text()) as unknown],
      ['chatbridge followNext (idle poll)', (chat) => chat.session.followNext(chat.next)],
    ]
    const samples = ways.map(() => ({ cpu: [] as number[], rate: [] as number[] }))
    for (let run = 0; run < runs; run += 1) {
      for (const [index, [, poll]] of ways.entries()) {
        for (const chat of chats) await poll(chat)
        let left = polls
        const cpu0 = process.cpuUsage()
        const t0 = performance.now()
        await Promise.all(
          chats.map(async (chat) => {
            while (left > 0) {
              left -= 1
              await poll(chat)
            }
          }),
        )
        const elapsed = performance.now() - t0
        const cpu = process.cpuUsage(cpu0)
        samples[index]?.cpu.push((cpu.user + cpu.system) / polls)
        samples[index]?.rate.push(polls / (elapsed / 1000))
      }
    }
    const floorCpu = summarise(samples[0]?.cpu ?? []).median
    return ways.map(([name], index) => {
      const cpu = summarise(samples[index]?.cpu ?? [])
      return { name, cpuMicrosPerPoll: cpu, pollsPerSec: summarise(samples[index]?.rate ?? []), cpuVsFloor: cpu.median / floorCpu }
    })
  } finally {
    await client.close()
    await dispatcher.close()
    await server.stop()
  }
}

export function transportRows(results: readonly TransportResult[]): Array<Record<string, string>> {
  return results.map((r) => ({
    'HTTP path (32 concurrent polls)': r.name,
    'CPU µs/poll': fmt(r.cpuMicrosPerPoll.median, 1),
    'vs floor': ratio(r.cpuVsFloor),
    'polls/s': fmt(r.pollsPerSec.median),
    noise: pct(Math.max(r.cpuMicrosPerPoll.spread, r.pollsPerSec.spread)),
  }))
}
