// heap-breakdown's gateway mode: an in-process gateway on the scale server, its N ws consumers in a child process.
import { fork } from 'node:child_process'
import { MemoryConversationStore } from '@chatbridge/adapter'
import { startGateway } from '@chatbridge/gateway'
import type { ScaleJob } from './scale-client.js'

/** N chats opened at once and their teardown: what heap-breakdown measures between its two snapshots. */
export interface Population {
  /** Opens (and starts polling) `chats` chats; resolves once every one is polling. */
  openAll(chats: number): Promise<void>
  close(): Promise<void>
}

const accountId = '12345678'
const APP_KEY = 'bench-app-key-0123456789abcdef'

/**
 * A gateway in this process (one legacy client, in-memory store, limits out of the way), at the
 * contenders' fixed pacing; each chat is one consumer signed up, one `ws` socket and one
 * conversation requested and subscribed from the start. The clients run in a child process, so
 * what grows here is the gateway's alone: its HTTP and ws sockets, sessions, the consumers'
 * connections and registry entries.
 */
export async function gatewayConversations(root: string, job: ScaleJob): Promise<Population> {
  const gateway = await startGateway({
    accountId,
    legacy: { accountRoot: root, appKey: APP_KEY, clientOptions: { connections: job.connections }, connection: { chattingIntervalMs: job.intervalMs, waitingIntervalMs: job.intervalMs, idleGrowth: 1 } },
    store: new MemoryConversationStore(),
    staticDir: false,
    maxSocketsPerAddress: 1_000_000,
    maxSocketsPerConsumer: 1_000_000,
    signupsPerSecond: 1e9,
    signupBurst: 1e9,
  })
  const child = fork(new URL('./gateway-clients.js', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    openAll: (chats) =>
      new Promise((resolve, reject) => {
        child.once('message', (answer: { readonly error?: string }) => (answer.error === undefined ? resolve() : reject(new Error(answer.error))))
        child.send({ kind: 'open', gatewayUrl: gateway.url, wsUrl: gateway.wsUrl, accountId, count: chats })
      }),
    close: async () => {
      child.disconnect()
      await exited
      await gateway.close()
    },
  }
}
