import { setTimeout as sleep } from 'node:timers/promises'
import { type ConversationStore, Connection, MemoryConversationStore } from '@chatbridge/adapter'
import { LegacyChatClient } from '@chatbridge/core'
import { RedisConversationStore } from '@chatbridge/redis'

// Child-process entry of the Redis bench section: one `Connection` (memory store or Redis store)
// polling N chats of a testing server that runs in another process, so its CPU is its own. The
// parent runs the measurement windows over IPC: `cpu-start`/`cpu-end` (this process's CPU and the
// agent lines delivered), `say` (one visitor line in every chat), `close`.

/** What the parent asks for. */
export interface RedisWorkerJob {
  readonly store: 'memory' | 'redis'
  readonly redisUrl: string
  readonly root: string
  readonly appKey: string
  readonly chats: number
  readonly intervalMs: number
  /** The server's chatTimeout, which the lease TTL is a quarter of. */
  readonly chatTimeoutS: number
  /** `'default'`: chatbridge's default pacing by activity (`intervalMs` is then only the spread of the starts). */
  readonly pacing?: 'fixed' | 'default'
}

const job = JSON.parse(process.argv[2] ?? '{}') as RedisWorkerJob
const AGENT_LINE = /^bench-line \d+$/

async function main(): Promise<void> {
  const redis = job.store === 'redis' ? await RedisConversationStore.connect(job.redisUrl, { chatTimeoutS: job.chatTimeoutS }) : undefined
  const store: ConversationStore = redis ?? new MemoryConversationStore()
  const client = new LegacyChatClient({ accountRoot: job.root, appKey: job.appKey, connections: 32 })
  const paced = job.pacing === 'default' ? {} : { chattingIntervalMs: job.intervalMs, waitingIntervalMs: job.intervalMs }
  const connection = new Connection(client, { ...paced, store }, { ownsClient: true })
  let delivered = 0
  let errors = 0
  const ids: string[] = []
  for (let i = 0; i < job.chats; i += 64) {
    ids.push(...(await Promise.all(Array.from({ length: Math.min(64, job.chats - i) }, async () => (await connection.requestConversation({})).conversationId))))
  }
  const subscriptions = ids.map((id, i) => {
    // Spread over one interval, as chats opened by different visitors would be.
    const start = (): { unsubscribe(): void } =>
      connection.messagingEvents$(id).subscribe({
        next: (change) => {
          if (change.event.type === 'ContentEvent' && change.originatorMetadata.role === 'ASSIGNED_AGENT' && AGENT_LINE.test(change.event.message)) delivered += 1
        },
        error: () => {
          errors += 1
        },
      })
    return new Promise<{ unsubscribe(): void }>((resolve) => setTimeout(() => resolve(start()), (i * job.intervalMs) / job.chats))
  })
  const started = await Promise.all(subscriptions)
  await sleep(job.intervalMs * 2)
  let cpu = process.cpuUsage()
  process.on('message', (message: unknown) => {
    const kind = typeof message === 'object' && message !== null && 'kind' in message ? message.kind : undefined
    if (kind === 'cpu-start') {
      cpu = process.cpuUsage()
      delivered = 0
      process.send?.({ kind })
    } else if (kind === 'cpu-end') {
      const used = process.cpuUsage(cpu)
      process.send?.({ kind, cpuMicros: used.user + used.system, delivered, errors })
    } else if (kind === 'say') {
      // One visitor line per chat, spread over one interval.
      void Promise.allSettled(
        ids.map(async (id, i) => {
          await sleep((i * job.intervalMs) / ids.length)
          await connection.publishEvent(id, { type: 'ContentEvent', contentType: 'text/plain', message: `visitor line ${i}` })
        }),
      ).then((settled) => process.send?.({ kind, sent: settled.filter((s) => s.status === 'fulfilled').length }))
    } else if (kind === 'close') {
      for (const subscription of started) subscription.unsubscribe()
      void connection
        .close()
        .then(() => redis?.close())
        .then(() => process.send?.({ kind }, () => process.exit(0)))
    }
  })
  process.send?.({ kind: 'ready' })
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exit(1)
})
