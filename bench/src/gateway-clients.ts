// The ws clients of heap-breakdown's gateway mode, in a child process of their own so their heap is not the gateway's.
import { BenchConsumer } from './bench-consumer.js'

/** What the parent asks: open `count` consumers, each with one conversation subscribed from the start. */
interface OpenJob {
  readonly kind: 'open'
  readonly gatewayUrl: string
  readonly wsUrl: string
  readonly accountId: string
  readonly count: number
}

const consumers: BenchConsumer[] = []

async function openOne(job: OpenJob): Promise<void> {
  const consumer = await BenchConsumer.open(job.wsUrl, await BenchConsumer.signup(job.gatewayUrl, job.accountId))
  consumers.push(consumer)
  await consumer.converse(job.accountId)
}

async function openAll(job: OpenJob): Promise<void> {
  for (let i = 0; i < job.count; i += 64) await Promise.all(Array.from({ length: Math.min(64, job.count - i) }, () => openOne(job)))
}

process.on('message', (message: OpenJob) => {
  if (message.kind !== 'open') return
  openAll(message).then(
    () => process.send?.({ kind: 'open', consumers: consumers.length }),
    (error: unknown) => process.send?.({ kind: 'open', error: String(error) }),
  )
})
// The parent gone (or done): every socket dropped at once, as clients vanishing would.
process.on('disconnect', () => {
  void Promise.all(consumers.map((consumer) => consumer.close())).finally(() => process.exit(0))
})
