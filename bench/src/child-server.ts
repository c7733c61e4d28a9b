import { fork } from 'node:child_process'

/** A server running in a child process, so its CPU is not the client's. */
export interface ChildServer {
  readonly port: number
  stop(): Promise<void>
}

/** Forks `script` (which must `process.send({ port })` once listening) and waits for its port. */
export async function startChildServer(script: URL, args: readonly string[] = []): Promise<ChildServer> {
  const child = fork(script, [...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
    child.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'port' in message && typeof message.port === 'number') resolve(message.port)
    })
  })
  return {
    port,
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.disconnect()
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}
