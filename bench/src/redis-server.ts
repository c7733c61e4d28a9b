/**
 * A throwaway redis-server for the Redis bench section: a free loopback port, a temporary directory,
 * no persistence, stopped at the end. (The redis package's test starter is test support, outside
 * any build this package can import.) Also reads the server's own counters: `INFO commandstats`
 * and its CPU, which is how the section counts commands without a proxy in between.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A running bench redis-server. */
export interface BenchRedis {
  readonly url: string
  stop(): Promise<void>
}

/** Commands the server has executed, by name, and its CPU seconds so far. */
export interface RedisCounters {
  readonly calls: Readonly<Record<string, number>>
  readonly cpuSeconds: number
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** Starts `redis-server --save '' --appendonly no` and waits for its "Ready to accept connections". */
export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'chatbridge-bench-redis-'))
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', ''], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  await new Promise<void>((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8')
      if (!output.includes('Ready to accept connections')) return
      child.stdout?.off('data', onData)
      child.stdout?.resume()
      resolve()
    }
    child.stdout?.on('data', onData)
    child.stderr?.resume()
    child.once('error', (error) => reject(new Error(`redis-server could not start (apt-get install -y redis-server): ${error.message}`)))
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${String(code)}:\n${output}`)))
  })
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Parses `INFO commandstats` + `INFO cpu`; the reader's own `info` calls are left out. */
export function parseCounters(commandstats: string, cpu: string): RedisCounters {
  const calls: Record<string, number> = {}
  for (const match of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const name = match[1] ?? ''
    if (name !== 'info') calls[name] = Number(match[2])
  }
  const seconds = (field: string): number => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0)
  return { calls, cpuSeconds: seconds('used_cpu_sys') + seconds('used_cpu_user') }
}

/** Commands (by name, and in all) and server CPU between two readings. */
export function countersDelta(before: RedisCounters, after: RedisCounters): { readonly total: number; readonly byName: Record<string, number>; readonly cpuSeconds: number } {
  const byName: Record<string, number> = {}
  let total = 0
  for (const [name, calls] of Object.entries(after.calls)) {
    const delta = calls - (before.calls[name] ?? 0)
    if (delta === 0) continue
    byName[name] = delta
    total += delta
  }
  return { total, byName, cpuSeconds: after.cpuSeconds - before.cpuSeconds }
}

/** Commands seen by `MONITOR`: sent by clients (one round trip each) or run inside Lua scripts. */
export interface RedisMonitor {
  /** Counts since the last `take`, by command name, then starts again from zero. */
  take(): { readonly client: Record<string, number>; readonly lua: Record<string, number> }
  close(): void
}

/** Opens a `MONITOR` connection on `url`; resolves once the server said OK. */
export async function monitorRedis(url: string): Promise<RedisMonitor> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  let client: Record<string, number> = {}
  let lua: Record<string, number> = {}
  let rest = ''
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.once('connect', () => socket.write('MONITOR\r\n'))
    socket.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\r\n')
      rest = lines.pop() ?? ''
      for (const line of lines) {
        if (line === '+OK') resolve()
        // `+1700000000.123456 [0 127.0.0.1:5000] "evalsha" …` or `… [0 lua] "GET" …`
        const match = /^\+[\d.]+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line)
        if (match === null) continue
        const name = (match[2] ?? '').toLowerCase()
        const counts = match[1] === 'lua' ? lua : client
        if (name !== 'info') counts[name] = (counts[name] ?? 0) + 1
      }
    })
  })
  return {
    take: () => {
      const taken = { client, lua }
      client = {}
      lua = {}
      return taken
    },
    close: () => socket.destroy(),
  }
}
