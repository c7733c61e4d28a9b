// One gateway "process" (in-process) on a shared Redis, for the tests of several gateways: its store,
// its relay when asked, what it polled and reported, and a death that keeps its leases.
import { RedisConversationRelay, RedisConversationStore } from '@chatbridge/redis'
import type { LegacyChatServer } from '@chatbridge/testing'
import { type Gateway, startGateway } from '../../src/index.js'
import { fastPacing } from './consumer-client.js'
import { accountId, type testSigningKey } from './gateway-client.js'

/** The signing key every gateway of a test shares, so a consumer's token is valid on each. */
export type TestSigningKey = Awaited<ReturnType<typeof testSigningKey>>

/** How one gateway of a test is made. */
export interface RedisGatewayOptions {
  readonly redisUrl: string
  readonly legacy: LegacyChatServer
  /** The key prefix the gateways of one test share (a fresh one per test keeps tests apart). */
  readonly prefix: string
  readonly signingKey: TestSigningKey
  readonly leaseTtlMs: number
  readonly format?: 'json' | 'xml'
  /** Give it a `RedisConversationRelay` (fan-out, presence); default none. */
  readonly relay?: boolean
  readonly abandonAfterMs?: number | undefined
  /** Where its clean close is pushed, run by the test's `afterEach`. */
  readonly cleanups: (() => Promise<void>)[]
}

/** A gateway of a test. */
export interface RedisGateway {
  readonly gateway: Gateway
  readonly store: RedisConversationStore
  /** What the gateway reported to `onError`. */
  readonly errors: Error[]
  /** The conversations this gateway polled (relay reads are not polls). */
  readonly polled: Set<string>
  /** A clean close: leases released. */
  readonly close: () => Promise<void>
  /** Death as near as in-process gets: the store goes first, so the gateway cannot release its leases. */
  readonly die: () => Promise<void>
}

/** Starts one gateway on the test's Redis and legacy server. */
export async function startRedisGateway(options: RedisGatewayOptions): Promise<RedisGateway> {
  const { redisUrl, legacy, prefix, leaseTtlMs } = options
  const store = await RedisConversationStore.connect(redisUrl, { prefix, leaseTtlMs })
  const relay = options.relay === true ? await RedisConversationRelay.connect(redisUrl, { prefix, blockMs: 200 }) : undefined
  const errors: Error[] = []
  const polled = new Set<string>()
  const gateway = await startGateway({
    accountId,
    legacy: { accountRoot: legacy.accountRoot, appKey: legacy.appKey, format: options.format ?? 'json', connection: { ...fastPacing, onPoll: (report) => polled.add(report.conversationId) } },
    store,
    ...(relay === undefined ? {} : { relay }),
    signingKey: options.signingKey,
    ...(options.abandonAfterMs === undefined ? {} : { abandonAfterMs: options.abandonAfterMs }),
    onError: (error) => errors.push(error),
  })
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await gateway.close()
    await relay?.close()
    await store.close()
  }
  options.cleanups.push(close)
  const die = async (): Promise<void> => {
    closed = true
    await store.close()
    await gateway.close()
    await relay?.close()
  }
  return { gateway, store, errors, polled, close, die }
}
