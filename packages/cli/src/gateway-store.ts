// `chatbridge gateway --redis`: the shared conversation store and signing key that let several
// gateway processes carry one deployment's consumers; kept apart so the command stays about serving.
import { readFile } from 'node:fs/promises'
import type { ConversationRelay, ConversationStore } from '@chatbridge/adapter'
import type { GatewayOptions } from '@chatbridge/gateway'
import { CliFailure, UsageError, parseDuration } from './arguments.js'
import { errorCodeOf, messageOf } from './error-text.js'

/** The store the gateway runs on, and how to let it go after the gateway closed. */
export interface GatewayStore {
  readonly store: ConversationStore
  /** The fan-out relay on the same Redis: a consumer's socket here follows a conversation another process holds. */
  readonly relay: ConversationRelay
  close(): Promise<void>
}

/**
 * Connects the Redis store of `--redis` (or `REDIS_URL`), or resolves `undefined` when neither is
 * given. An unreachable Redis is a {@link CliFailure} naming the URL without its credentials.
 */
export async function openGatewayStore(values: { readonly redis?: string | undefined; readonly 'lease-ttl'?: string | undefined }, env: NodeJS.ProcessEnv): Promise<GatewayStore | undefined> {
  const url = values.redis ?? (env['REDIS_URL'] === '' ? undefined : env['REDIS_URL'])
  if (url === undefined) {
    if (values['lease-ttl'] !== undefined) throw new UsageError('gateway: --lease-ttl needs --redis (or REDIS_URL)')
    return undefined
  }
  // Default: the store's own, a quarter of the chats' chatTimeout.
  const leaseTtlMs = values['lease-ttl'] === undefined ? undefined : parseDuration('gateway', '--lease-ttl', values['lease-ttl'], 0)
  // Loaded only now: a gateway without --redis never loads the Redis client.
  const { RedisConversationRelay, RedisConversationStore, redactRedisUrl } = await import('@chatbridge/redis')
  if (!URL.canParse(url) || !/^rediss?:$/.test(new URL(url).protocol)) {
    throw new UsageError(`gateway: --redis must be a redis://[user:password@]host:port URL, got ${JSON.stringify(redactRedisUrl(url))}`)
  }
  try {
    const store = await RedisConversationStore.connect(url, leaseTtlMs === undefined ? {} : { leaseTtlMs })
    // Its own client: its blocking reads run on duplicates of it, never on the store's connection.
    const relay = await RedisConversationRelay.connect(url).catch(async (error: unknown) => {
      await store.close()
      throw error
    })
    return {
      store,
      relay,
      close: async () => {
        await relay.close()
        await store.close()
      },
    }
  } catch (error) {
    // The store's message already names the URL without credentials.
    if (errorCodeOf(error) === 'E_REDIS_UNAVAILABLE') throw new CliFailure(`gateway: ${messageOf(error)}`)
    throw error
  }
}

/** The private JWK of `--signing-key <file>`, which every process of a deployment must share. */
export async function readSigningKey(file: string | undefined): Promise<GatewayOptions['signingKey']> {
  if (file === undefined) return undefined
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new CliFailure(`gateway: cannot read --signing-key ${file}: ${messageOf(error)}`)
  }
  try {
    const jwk: unknown = JSON.parse(text)
    if (typeof jwk === 'object' && jwk !== null && !Array.isArray(jwk)) return jwk
  } catch {
    // reported below, without the file's content (it is a private key)
  }
  throw new UsageError(`gateway: --signing-key ${file} must hold a private EC P-256 JWK as JSON`)
}
