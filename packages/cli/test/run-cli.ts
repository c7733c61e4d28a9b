import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ServerFrame } from '@chatbridge/adapter'

/** The built command; process tests run what users run. CI builds before it tests. */
export const cliPath = fileURLToPath(new URL('../dist/chatbridge.js', import.meta.url))

/** Fails (never skips) when the command has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`pnpm build\` (tsc -b) before these tests`)
}

/** A running `chatbridge` process with its output so far. */
export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams
  stdout(): string
  stderr(): string
  /** Resolves with the exit code; kills the process and rejects after `timeoutMs`. */
  exit(timeoutMs?: number): Promise<number | null>
  /** Resolves once standard output has a line matching `pattern`; rejects after `timeoutMs`. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>
}

/** Starts `chatbridge …args` with a clean environment (no colour, no CHATBRIDGE_* from the caller). */
export function startCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): CliProcess {
  requireBuiltCli()
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CHATBRIDGE_') && name !== 'FORCE_COLOR'))
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...base, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const waiters = new Set<() => void>()
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    for (const waiter of waiters) waiter()
  })
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  // 'close', not 'exit': it comes after standard output and error were read to their end.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  const bounded = <T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill()
        reject(new Error(`chatbridge ${args.join(' ')}: ${what} within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`))
      }, timeoutMs)
      promise.then(
        (value) => {
          clearTimeout(timer)
          resolve(value)
        },
        (error: unknown) => {
          clearTimeout(timer)
          reject(error instanceof Error ? error : new Error(String(error)))
        },
      )
    })
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit: (timeoutMs = 30_000) => bounded(exited, timeoutMs, 'no exit'),
    line: (pattern, timeoutMs = 30_000) =>
      bounded(
        new Promise<string>((resolve) => {
          const check = (): void => {
            const found = out.split('\n').find((line) => pattern.test(line))
            if (found !== undefined) {
              waiters.delete(check)
              resolve(found)
            }
          }
          waiters.add(check)
          check()
        }),
        timeoutMs,
        `no line matching ${String(pattern)}`,
      ),
  }
}

/** Runs `chatbridge …args` to its end, with `input` on standard input (then closed). */
export async function runCli(args: readonly string[], options: { readonly env?: Readonly<Record<string, string>>; readonly input?: string; readonly timeoutMs?: number } = {}) {
  const cli = startCli(args, options.env)
  cli.child.stdin.end(options.input ?? '')
  const code = await cli.exit(options.timeoutMs)
  return { code, stdout: cli.stdout(), stderr: cli.stderr() }
}

/** The NDJSON frames in `text`. */
export function frames(text: string): ServerFrame[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ServerFrame)
}
