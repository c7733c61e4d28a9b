import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'

// Measures how many polls per second the testing package's standalone server answers
// (`pnpm exec tsc -b && node bench/dist/server-bench.js`): the server runs in its own process
// (the `chatbridge-legacy-server` command), this one creates chats and polls them over keep-alive
// sockets. Loopback only; bounded by --chats, --seconds and --concurrency.
const { values } = parseArgs({
  options: {
    chats: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '64' },
    // paced: every chat polls once a second, like a fleet of visitors; saturate: polls back to back.
    mode: { type: 'string', default: 'saturate' },
  },
})
const paced = values.mode === 'paced'
const chats = Number(values.chats)
const seconds = Number(values.seconds)
const concurrency = Number(values.concurrency)
const appKey = '0123456789abcdef0123456789abcdef'

/** The built `chatbridge-legacy-server` command, found through the testing package's `bin`. */
function legacyServerCommand(): string {
  const manifest = createRequire(import.meta.url).resolve('@chatbridge/testing/package.json')
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }
  const command = bin['chatbridge-legacy-server']
  if (command === undefined) throw new Error(`${manifest} has no chatbridge-legacy-server command`)
  return join(dirname(manifest), command)
}

const child = spawn(process.execPath, [...(process.env['BENCH_SERVER_NODE_FLAGS']?.split(' ').filter(Boolean) ?? []), legacyServerCommand(), '--app-key', appKey, '--agent', 'auto', '--stats'], { stdio: ['ignore', 'pipe', 'inherit'] })
let out = ''
const accountRoot = await new Promise<string>((resolve, reject) => {
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    const match = /account root: (\S+)/.exec(out)
    if (match?.[1] !== undefined) resolve(match[1])
  })
  child.once('exit', () => reject(new Error('server exited')))
})

/** CPU seconds the server process used so far (Linux /proc; `undefined` elsewhere). */
function serverCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
const headers = { authorization: `LivePerson appKey=${appKey}`, accept: 'application/json' }

function call(method: string, url: string, body?: string): Promise<{ status: number; location: string | undefined; ms: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, ms: performance.now() - started }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

try {
  const uris: string[] = []
  const createStart = performance.now()
  for (let i = 0; i < chats; i += concurrency) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(concurrency, chats - i) }, () => call('POST', `${accountRoot}/chat/request?v=1&NC=true`, '{"request":{"skill":"Sales","interactionTimeout":600}}')),
    )
    for (const created of batch) uris.push(created.location ?? '')
  }
  const createMs = performance.now() - createStart
  // Let the auto agent accept every chat (it accepts 1 s after the request).
  await new Promise((resolve) => setTimeout(resolve, 1500))

  const latencies: number[] = []
  let failures = 0
  let next = 0
  const deadline = performance.now() + seconds * 1000
  const poll = async (uri: string): Promise<void> => {
    const polled = await call('GET', `${uri}?from=4&v=1&NC=true`)
    if (polled.status !== 200) failures++
    latencies.push(polled.ms)
  }
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) await poll(uris[next++ % uris.length] ?? '')
  }
  const visitor = async (uri: string, offsetMs: number): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, offsetMs))
    for (let due = performance.now(); due < deadline; due += 1000) {
      await poll(uri)
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due + 1000 - performance.now())))
    }
  }
  const pollStart = performance.now()
  const cpuStart = serverCpuSeconds()
  await Promise.all(paced ? uris.map((uri, i) => visitor(uri, (i * 1000) / uris.length)) : Array.from({ length: concurrency }, worker))
  const pollSeconds = (performance.now() - pollStart) / 1000
  const cpuEnd = serverCpuSeconds()
  latencies.sort((a, b) => a - b)
  const pct = (p: number): string => (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0).toFixed(2)
  console.log(`chats: ${chats} created in ${createMs.toFixed(0)} ms (${((chats / createMs) * 1000).toFixed(0)}/s)`)
  console.log(`polls: ${latencies.length} in ${pollSeconds.toFixed(1)} s = ${(latencies.length / pollSeconds).toFixed(0)} polls/s ${paced ? '(each chat once a second)' : `with ${concurrency} in flight`}; failures ${failures}`)
  if (cpuStart !== undefined && cpuEnd !== undefined) {
    const cpu = cpuEnd - cpuStart
    const perPoll = (cpu / latencies.length) * 1e6
    console.log(`server CPU: ${cpu.toFixed(1)} s over ${pollSeconds.toFixed(1)} s (${((cpu / pollSeconds) * 100).toFixed(0)}% of a core), ${perPoll.toFixed(0)} µs per poll => ~${(1e6 / perPoll).toFixed(0)} polls/s per core`)
  }
  console.log(`latency ms: p50 ${pct(0.5)}  p90 ${pct(0.9)}  p99 ${pct(0.99)}  max ${pct(1)}`)
} finally {
  agent.destroy()
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
  const stats = /event loop delay.*/.exec(out)?.[0]
  if (stats !== undefined) console.log(`server ${stats}`)
}
