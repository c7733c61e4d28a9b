/**
 * A real `redis-server` (Debian's package) for one test file: on a free loopback port, in its own
 * temporary directory, started and stopped by the test. Missing in CI is a failure that says what
 * to install; elsewhere the caller may skip with the same message.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** What to tell a person when no redis-server is installed. */
export const REDIS_MISSING = 'redis-server is not installed: run `apt-get install -y redis-server` (or bash scripts/system-deps.sh)'

/** Whether a `redis-server` executable is on the PATH. */
export function redisServerAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** A running redis-server of a test. */
export interface TestRedis {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string
  readonly port: number
  /** Its working directory (AOF files live here when `appendOnly` is on). */
  readonly dir: string
  /** Stops it (SIGTERM, as a clean shutdown) and waits for the exit. */
  stop(): Promise<void>
  /** Kills it with SIGKILL (nothing flushed beyond what AOF `always` wrote) and waits for the exit. */
  kill(): Promise<void>
  /** Starts it again on the same port and directory (after stop or kill). */
  start(): Promise<void>
  /** Stops it and removes its directory. */
  dispose(): Promise<void>
}

/** Starts a redis-server; `appendOnly` turns AOF persistence on (`appendfsync always`). */
export async function startRedis(options: { readonly appendOnly?: boolean } = {}): Promise<TestRedis> {
  if (!redisServerAvailable()) throw new Error(REDIS_MISSING)
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'chatbridge-redis-'))
  let child: ChildProcess | undefined

  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--daemonize', 'no', '--logfile', '']
    args.push(...(options.appendOnly === true ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']))
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = started
    await new Promise<void>((resolve, reject) => {
      let output = ''
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8')
        // The server's own word that it serves; no polling, no sleep.
        if (output.includes('Ready to accept connections')) {
          started.stdout.off('data', onData)
          started.stdout.resume()
          resolve()
        }
      }
      started.stdout.on('data', onData)
      started.stderr.resume()
      started.once('exit', (code) => reject(new Error(`redis-server exited with ${String(code)} before it was ready:\n${output}`)))
      started.once('error', reject)
    })
  }

  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    running.kill(signal)
    await exited
  }

  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    start,
    dispose: async () => {
      await stopWith('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A loopback port nothing listens on right now (the OS picked it free and it was let go). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}
