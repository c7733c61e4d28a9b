import { fork } from 'node:child_process'

/** A server running in a child process, so its CPU is not the client's. */
export interface ChildServer {
  readonly port: number
  /** Sends `{ kind }` over IPC and resolves with the child's answer of the same kind. */
  ask(kind: string): Promise<Record<string, unknown>>
  stop(): Promise<void>
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/**
 * Forks `script` (which must `process.send({ port })` once listening) and waits for its port. The
 * child gets no Node flags of its own (not this process's `--expose-gc` or `--cpu-prof`).
 */
export async function startChildServer(script: URL, args: readonly string[] = [], execArgv: readonly string[] = []): Promise<ChildServer> {
  const child = fork(script, [...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [...execArgv] })
  const waiting = new Map<string, (answer: Record<string, unknown>) => void>()
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
    child.on('message', (message: unknown) => {
      if (!isRecord(message)) return
      if (typeof message['port'] === 'number') resolve(message['port'])
      const kind = message['kind']
      if (typeof kind === 'string') {
        waiting.get(kind)?.(message)
        waiting.delete(kind)
      }
    })
  })
  return {
    port,
    ask: (kind) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not answer ${kind} within 10 s`)), 10_000)
        waiting.set(kind, (answer) => {
          clearTimeout(timer)
          resolve(answer)
        })
        child.send({ kind })
      }),
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.disconnect()
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}
