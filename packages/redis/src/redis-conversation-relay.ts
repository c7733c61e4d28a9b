/** The ConversationRelay on Redis Streams: a page stream and a command stream per conversation, answers on reply lists. */
import { randomUUID } from 'node:crypto'
import { AdapterError, type ConversationRelay, type RelayAnswer, type RelayCommand, type RelayEntry, type RelayHandler, type RelayPage } from '@chatbridge/adapter'
import { type StoreClient, createStoreClient } from './redis-client.js'
import { RedisStoreError } from './redis-error.js'
import { RelayServeLoop, answerFor, streamsOf } from './relay-serve-loop.js'

/** Options of a {@link RedisConversationRelay}. */
export interface RedisConversationRelayOptions {
  /** Key prefix, the store's (default `chatbridge:`): pages go to `{prefix}feed:{id}`, commands to `{prefix}cmd:{id}`, presence to `{prefix}present:{consumerId}`. */
  readonly prefix?: string
  /** Pages a conversation's stream keeps (`XADD … MAXLEN ~`); default 200. */
  readonly maxPages?: number
  /** How long one read blocks (`XREAD BLOCK`), in ms; default 1 000. */
  readonly blockMs?: number
  /** How long a forwarded command waits for the holder's answer, in ms; default 10 000. */
  readonly forwardTimeoutMs?: number
  /** How long a conversation's streams outlive their last write, in ms; default one hour. */
  readonly streamTtlMs?: number
  /** Connect timeout when the relay makes its client ({@link RedisConversationRelay.connect}); default 5 000. */
  readonly connectTimeoutMs?: number
}

/**
 * A {@link ConversationRelay} on Redis Streams. Streams rather than pub/sub: a page stays in the
 * stream after it is sent, so a follower that reconnects, starts late or was slow reads on from
 * its last id, and a gap (a page trimmed away) shows as a page whose `from` is past its cursor,
 * closed by one read of the legacy chat; pub/sub drops whatever is published while a subscriber
 * is away. Blocking reads run on duplicates of the client (never on the store's connection), one
 * per read in flight, kept for reuse. Redis failures reject with `E_REDIS_UNAVAILABLE`.
 */
export class RedisConversationRelay implements ConversationRelay {
  readonly #client: StoreClient
  readonly #ownsClient: boolean
  readonly #prefix: string
  readonly #maxPages: number
  readonly #blockMs: number
  readonly #forwardTimeoutMs: number
  readonly #ttlMs: number
  readonly #idle: StoreClient[] = []
  readonly #all = new Set<StoreClient>()
  readonly #serving: RelayServeLoop
  #closed = false

  /** Connects a client on `url` for the relay (closed with it). */
  static async connect(url: string, options: RedisConversationRelayOptions = {}): Promise<RedisConversationRelay> {
    const client = await createStoreClient(url, options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs })
    return new RedisConversationRelay(client, options, true)
  }

  /** @param client a connected client (e.g. the store's); it is only duplicated for blocking reads. */
  constructor(client: StoreClient, options: RedisConversationRelayOptions = {}, ownsClient = false) {
    this.#client = client
    this.#ownsClient = ownsClient
    this.#prefix = options.prefix ?? 'chatbridge:'
    this.#maxPages = options.maxPages ?? 200
    this.#blockMs = options.blockMs ?? 1_000
    this.#forwardTimeoutMs = options.forwardTimeoutMs ?? 10_000
    this.#ttlMs = options.streamTtlMs ?? 3_600_000
    this.#serving = new RelayServeLoop({
      blockMs: this.#blockMs,
      keyOf: (id) => this.#key('cmd', id),
      run: (args) => this.#blocking(args),
      claim: async (replyKey, ttlMs) => (await this.#command(['SET', `${replyKey}:claimed`, '1', 'NX', 'PX', String(Math.max(1, ttlMs))])) !== null,
      answer: (replyKey, answer) => this.#command(['LPUSH', replyKey, JSON.stringify(answer)]).then(() => this.#command(['PEXPIRE', replyKey, String(this.#forwardTimeoutMs)])),
    })
  }

  /** `XADD {prefix}feed:{id} MAXLEN ~ maxPages * p <page JSON>`, and the stream's TTL renewed. */
  async publish(conversationId: string, page: RelayPage): Promise<void> {
    const key = this.#key('feed', conversationId)
    await this.#command(['XADD', key, 'MAXLEN', '~', String(this.#maxPages), '*', 'p', JSON.stringify(page)])
    await this.#command(['PEXPIRE', key, String(this.#ttlMs)])
  }

  /** `XREAD COUNT 100 BLOCK blockMs` after `after` (`0`: the oldest page kept); none on abort. */
  async read(conversationId: string, after: string | undefined, signal: AbortSignal): Promise<readonly RelayEntry[]> {
    if (signal.aborted) return []
    const reading = this.#blocking(['XREAD', 'COUNT', '100', 'BLOCK', String(this.#blockMs), 'STREAMS', this.#key('feed', conversationId), after ?? '0'])
    // An aborted read resolves now; its XREAD ends within the block time and its connection goes back to the pool.
    const aborted = new Promise<undefined>((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }))
    reading.catch(() => undefined)
    const reply = await Promise.race([reading, aborted])
    return (streamsOf(reply)[0]?.[1] ?? []).map(([position, fields]) => ({ position, page: parsePage(fields) }))
  }

  /** Adds the command to `{prefix}cmd:{id}` with a fresh reply key, then waits on it (`BLPOP`) for the holder's answer. */
  async forward(conversationId: string, command: RelayCommand): Promise<RelayAnswer> {
    const replyKey = `${this.#prefix}reply:${randomUUID()}`
    const key = this.#key('cmd', conversationId)
    // The deadline tells a holder that starts serving later whether its sender still waits for it.
    const deadline = String(Date.now() + this.#forwardTimeoutMs)
    await this.#command(['XADD', key, 'MAXLEN', '~', String(this.#maxPages), '*', 'c', JSON.stringify(command), 'r', replyKey, 'd', deadline])
    await this.#command(['PEXPIRE', key, String(this.#ttlMs)])
    const reply = (await this.#blocking(['BLPOP', replyKey, String(this.#forwardTimeoutMs / 1000)])) as readonly [string, string] | null
    if (reply === null) throw new AdapterError('E_OUTCOME_UNKNOWN', `no answer for conversation ${conversationId} within ${this.#forwardTimeoutMs} ms: its holder may have run the command`)
    return JSON.parse(reply[1]) as RelayAnswer
  }

  /** Runs the commands forwarded from now on through `handler`, one at a time in their order. */
  serve(conversationId: string, handler: RelayHandler): () => void {
    return this.#serving.add(conversationId, (command) => answerFor(handler, command))
  }

  /** `SET {prefix}present:{id} 1 PX ttlMs` for each consumer, in one `EVAL`. */
  async markPresent(consumerIds: readonly string[], ttlMs: number): Promise<void> {
    if (consumerIds.length === 0) return
    const keys = consumerIds.map((consumerId) => this.#key('present', consumerId))
    await this.#command(['EVAL', MARK_PRESENT, String(keys.length), ...keys, String(Math.max(1, Math.ceil(ttlMs)))])
  }

  /** `PTTL {prefix}present:{id}`: the ms left, 0 when the key is gone. */
  async presence(consumerId: string): Promise<number> {
    const left = Number(await this.#command(['PTTL', this.#key('present', consumerId)]))
    return Number.isFinite(left) && left > 0 ? left : 0
  }

  /** Stops serving, drops the blocking connections (reads in flight resolve with none) and closes the client if it owns it. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    // Dropped first: the serve loop's blocked read ends now instead of after its block time.
    for (const client of this.#all) client.destroy()
    this.#all.clear()
    await this.#serving.close()
    if (this.#ownsClient) await this.#client.close()
  }

  #key(kind: 'feed' | 'cmd' | 'present', id: string): string {
    return `${this.#prefix}${kind}:${id}`
  }

  async #command(args: readonly string[]): Promise<unknown> {
    try {
      return await this.#client.sendCommand([...args])
    } catch (error) {
      throw unavailable(error)
    }
  }

  /** A blocking command on a pooled duplicate connection. */
  async #blocking(args: readonly string[]): Promise<unknown> {
    if (this.#closed) return null
    let client = this.#idle.pop()
    try {
      if (client === undefined) {
        client = this.#client.duplicate()
        client.on('error', () => undefined)
        this.#all.add(client)
        await client.connect()
      }
      const reply = await client.sendCommand([...args])
      if (!this.#closed) this.#idle.push(client)
      return reply
    } catch (error) {
      if (client !== undefined) {
        this.#all.delete(client)
        client.destroy()
      }
      if (this.#closed) return null
      throw unavailable(error)
    }
  }
}

// One round trip per renewal tick however many consumers a process has sockets of.
const MARK_PRESENT = "for i = 1, #KEYS do redis.call('SET', KEYS[i], '1', 'PX', ARGV[1]) end return #KEYS"

function parsePage(fields: readonly string[]): RelayPage {
  const index = fields.indexOf('p')
  const value = index < 0 ? undefined : fields[index + 1]
  if (value === undefined) throw new RedisStoreError('E_REDIS_CORRUPT', 'a relay stream entry without a page')
  return JSON.parse(value) as RelayPage
}

function unavailable(error: unknown): RedisStoreError {
  if (error instanceof RedisStoreError) return error
  return new RedisStoreError('E_REDIS_UNAVAILABLE', `the relay could not reach Redis: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
}
