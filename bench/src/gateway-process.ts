// A `chatbridge gateway --redis` child process for the failover bench: the built command users run, its URLs, and a SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** A running gateway process. */
export interface GatewayProcess {
  readonly child: ChildProcess
  readonly url: string
  readonly wsUrl: string
  /** SIGKILL (no lease released, nothing written) and wait for the exit. */
  kill(): Promise<void>
}

/** Where the gateway listens for the legacy server, Redis and the lease settings. */
export interface GatewaySettings {
  readonly redisUrl: string
  readonly accountRoot: string
  readonly appKey: string
  readonly keyFile: string
  readonly leaseTtlMs: number
  readonly pollMs: number
}

const cliPath = fileURLToPath(new URL('../../packages/cli/dist/chatbridge.js', import.meta.url))

/** Starts the process and resolves once it printed its JSON line (listening, store connected). */
export function startGatewayProcess(settings: GatewaySettings): Promise<GatewayProcess> {
  const args = ['gateway', '--json', '--redis', settings.redisUrl, '--lease-ttl', String(settings.leaseTtlMs), '--poll-interval', String(settings.pollMs), '--signing-key', settings.keyFile]
  // The caller's CHATBRIDGE_* would override the settings: a clean environment, as the failover test has.
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CHATBRIDGE_')))
  const env = { ...base, NO_COLOR: '1', CHATBRIDGE_ACCOUNT_ROOT: settings.accountRoot, CHATBRIDGE_APP_KEY: settings.appKey }
  const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let err = ''
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()).slice(-4000))
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`gateway did not start within 30 s:\n${err}`))
    }, 30_000)
    child.once('exit', (code) => reject(new Error(`gateway exited with ${String(code)}:\n${err}`)))
    const onData = (chunk: Buffer): void => {
      out += chunk.toString()
      const line = out.split('\n').find((candidate) => candidate.startsWith('{'))
      if (line === undefined) return
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.stdout.resume()
      const { url, wsUrl } = JSON.parse(line) as { url: string; wsUrl: string }
      resolve({
        child,
        url,
        wsUrl,
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
          await exited
        },
      })
    }
    child.stdout.on('data', onData)
  })
}
