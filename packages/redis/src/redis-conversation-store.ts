/**
 * The conversation store on Redis: each conversation a hash under the prefix, each consumer's
 * conversations a list, the open ones a set (for the orphan sweep), each chat's lease a key with a
 * fencing token (see `ChatLeases`). Cursor and
 * outbound writes are fenced in Lua: a write whose token is no longer the lease's is refused with
 * `E_LEASE_LOST`.
 */
import type { ConversationLease, ConversationStore, OutboundRecord, PollCursor, StoredConversation } from '@chatbridge/adapter'
import { ChatLeases } from './chat-leases.js'
import { type StoreClient, createStoreClient } from './redis-client.js'
import { RedisStoreError } from './redis-error.js'

/** Options of {@link RedisConversationStore}. */
export interface RedisConversationStoreOptions {
  /** Prefix of every key; processes of one deployment share it. Default `chatbridge:`. */
  readonly prefix?: string
  /** The chats' `chatTimeout` in seconds, which the lease TTL is a quarter of by default; default 40 (the server's). */
  readonly chatTimeoutS?: number
  /** Lease TTL in ms; default a quarter of `chatTimeoutS`, so a dead process's chats are taken over well before they time out. */
  readonly leaseTtlMs?: number
  /** This process's owner id in the lease keys; default a random UUID. */
  readonly owner?: string
  /** How long `connect` waits for Redis, in ms; default 5 000. */
  readonly connectTimeoutMs?: number
  /**
   * How many open conversations one `orphanedConversations` call looks at, at most; default 2 000.
   * A sweep walks the whole open set in ⌈open ÷ this⌉ calls, so keep it above the deployment's open chats.
   */
  readonly orphanScanBudget?: number
}

const EMPTY_OUTBOUND: OutboundRecord = { lines: [], typing: 'not-typing', nextLineId: 0 }
const START_CURSOR: PollCursor = { from: 0, next: undefined }

/**
 * A `ConversationStore` on Redis, for `new Connection(client, { store })`: conversations survive
 * the process, and a process that lost a chat's lease cannot overwrite its state.
 *
 * @example
 * const store = await RedisConversationStore.connect(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
 * const connection = new Connection(client, { store })
 * // …
 * await connection.close()
 * await store.close()
 */
export class RedisConversationStore implements ConversationStore {
  readonly #client: StoreClient
  readonly #leases: ChatLeases
  readonly #prefix: string
  readonly #ttlMs: number
  readonly #ownsClient: boolean
  readonly #scanBudget: number
  // Where this process's walk of the open set is: each call goes on from the last.
  #sweepCursor = '0'
  // Orphans the last step found past its limit, listed first next time (taking a lease still decides).
  #sweepPending: string[] = []

  /**
   * Connects to `url` (`redis://[user:password@]host:port[/db]`); rejects with `E_REDIS_UNAVAILABLE`,
   * naming the URL without credentials, when Redis cannot be reached.
   */
  static async connect(url: string, options: RedisConversationStoreOptions = {}): Promise<RedisConversationStore> {
    const client = await createStoreClient(url, options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs })
    return new RedisConversationStore(client, options, true)
  }

  /**
   * @param client a connected client from `createStoreClient`.
   * @param options see {@link RedisConversationStoreOptions}.
   * @param ownsClient close the client on {@link close} (what `connect` does); default false.
   */
  constructor(client: StoreClient, options: RedisConversationStoreOptions = {}, ownsClient = false) {
    const chatTimeoutS = options.chatTimeoutS ?? 40
    const ttlMs = options.leaseTtlMs ?? (chatTimeoutS * 1000) / 4
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new RedisStoreError('E_INVALID_ARGUMENT', `leaseTtlMs must be a positive number, e.g. RedisConversationStore.connect(url, { leaseTtlMs: 10_000 }); got ${String(ttlMs)}`)
    }
    this.#client = client
    this.#prefix = options.prefix ?? 'chatbridge:'
    this.#ttlMs = Math.round(ttlMs)
    this.#ownsClient = ownsClient
    this.#scanBudget = Math.max(1, Math.floor(options.orphanScanBudget ?? 2_000))
    this.#leases = new ChatLeases(client, { ttlMs: this.#ttlMs, prefix: this.#prefix, ...(options.owner === undefined ? {} : { owner: options.owner }) })
  }

  /** False while Redis cannot be reached (the client reconnecting); commands then reject with `E_REDIS_UNAVAILABLE` at once. */
  get available(): boolean {
    return this.#client.isReady
  }

  /** The lease TTL in ms. */
  get leaseTtlMs(): number {
    return this.#ttlMs
  }

  /** This process's owner id, as the lease keys hold it. */
  get owner(): string {
    return this.#leases.owner
  }

  /** The key of a conversation's hash. */
  conversationKey(conversationId: string): string {
    return `${this.#prefix}chat:${conversationId}`
  }

  /** The key of a conversation's lease. */
  leaseKey(conversationId: string): string {
    return this.#leases.leaseKey(conversationId)
  }

  /** The key of a conversation's fencing counter (the last token issued). */
  fenceKey(conversationId: string): string {
    return this.#leases.fenceKey(conversationId)
  }

  /** Records a new conversation (and indexes it under its consumer) in one step; keeps an existing one. */
  async addConversation(conversationId: string, conversation: { readonly chatUri: string; readonly consumerId: string | undefined }): Promise<void> {
    await this.#run(`recording conversation ${conversationId}`, () => this.#client.addConversation(
      this.conversationKey(conversationId),
      this.#consumerKey(conversation.consumerId ?? ''),
      this.#openKey(),
      conversation.chatUri,
      conversation.consumerId ?? '',
      JSON.stringify(START_CURSOR),
      JSON.stringify(EMPTY_OUTBOUND),
      conversationId,
    ))
  }

  /** The stored conversation, or `undefined`. Rejects with `E_REDIS_CORRUPT` when the hash is not chatbridge's. */
  async loadConversation(conversationId: string): Promise<StoredConversation | undefined> {
    const hash = await this.#run(`loading conversation ${conversationId}`, () => this.#client.hGetAll(this.conversationKey(conversationId)))
    if (hash['chatUri'] === undefined) return undefined
    try {
      return {
        chatUri: hash['chatUri'],
        consumerId: hash['consumerId'],
        cursor: JSON.parse(hash['cursor'] ?? JSON.stringify(START_CURSOR)) as PollCursor,
        outbound: JSON.parse(hash['outbound'] ?? JSON.stringify(EMPTY_OUTBOUND)) as OutboundRecord,
        visitorName: hash['visitorName'],
      }
    } catch (error) {
      throw new RedisStoreError('E_REDIS_CORRUPT', `the stored conversation ${conversationId} is not chatbridge's`, { cause: error })
    }
  }

  /** The consumer's conversation ids, oldest first. */
  async conversationsOf(consumerId: string): Promise<readonly string[]> {
    return this.#run("listing a consumer's conversations", () => this.#client.lRange(this.#consumerKey(consumerId), 0, -1))
  }

  /** Saves the cursor; rejects with `E_LEASE_LOST` when `lease` is no longer the conversation's. */
  saveCursor(lease: ConversationLease, cursor: PollCursor): Promise<void> {
    return this.#fencedSet(lease, 'cursor', JSON.stringify(cursor))
  }

  /** Saves the outbound record; rejects with `E_LEASE_LOST` when `lease` is no longer the conversation's. */
  saveOutbound(lease: ConversationLease, outbound: OutboundRecord): Promise<void> {
    return this.#fencedSet(lease, 'outbound', JSON.stringify(outbound))
  }

  /** Saves the visitor name (not fenced: any process may set it, as the legacy chat allows). */
  async saveVisitorName(conversationId: string, name: string): Promise<void> {
    await this.#run(`saving the visitor name of ${conversationId}`, () => this.#client.hSet(this.conversationKey(conversationId), 'visitorName', name))
  }

  /** Takes the lease when free or this process's; `undefined` while another process holds it. */
  async acquireLease(conversationId: string): Promise<ConversationLease | undefined> {
    const lease = await this.#run(`taking the lease of ${conversationId}`, () => this.#leases.acquire(conversationId))
    return lease === undefined ? undefined : { conversationId, token: lease.token, ttlMs: this.#ttlMs }
  }

  /** Renews every lease in one command; resolves with the lost ones. */
  async renewLeases(leases: readonly ConversationLease[]): Promise<readonly ConversationLease[]> {
    const lost = await this.#run('renewing leases', () => this.#leases.renew(leases.map((lease) => ({ chatId: lease.conversationId, token: lease.token }))))
    return leases.filter((lease) => lost.some((l) => l.chatId === lease.conversationId && l.token === lease.token))
  }

  /** Gives the lease up when still held with its token. */
  async releaseLease(lease: ConversationLease): Promise<void> {
    await this.#run(`releasing the lease of ${lease.conversationId}`, () => this.#leases.release({ chatId: lease.conversationId, token: lease.token }))
  }

  /**
   * Takes the conversation out of its consumer's list and marks it `ended`; rejects with
   * `E_LEASE_LOST` when `lease` is no longer the conversation's.
   */
  async endConversation(lease: ConversationLease): Promise<void> {
    const id = lease.conversationId
    const consumerId = await this.#run(`ending conversation ${id}`, () => this.#client.hGet(this.conversationKey(id), 'consumerId'))
    const ended = await this.#run(`ending conversation ${id}`, () =>
      this.#client.endConversation(this.leaseKey(id), this.#leases.fenceKey(id), this.conversationKey(id), this.#consumerKey(consumerId ?? ''), this.#openKey(), this.owner, lease.token, id, this.#ttlMs),
    )
    if (ended !== 1) throw new RedisStoreError('E_LEASE_LOST', `conversation ${id}: the lease with token ${lease.token} is no longer this process's; ending it was refused`)
  }

  /**
   * Up to `limit` open conversations of a consumer whose lease key is gone, in one script call that
   * looks at about `orphanScanBudget` of them (a batch past it at most), going on from where the
   * last call stopped.
   */
  async orphanedConversations(limit: number): Promise<readonly string[]> {
    const wanted = Math.floor(limit)
    if (wanted <= 0) return []
    if (this.#sweepPending.length < wanted) {
      const [next, ids] = await this.#run('looking for orphaned conversations', () =>
        this.#client.orphanedConversations(this.#openKey(), this.#sweepCursor, wanted - this.#sweepPending.length, this.#scanBudget, this.#prefix),
      )
      if (typeof next !== 'string' || !Array.isArray(ids)) throw new RedisStoreError('E_REDIS_CORRUPT', 'the orphan sweep script replied with an unexpected shape')
      this.#sweepCursor = next
      this.#sweepPending = [...new Set([...this.#sweepPending, ...ids])]
    }
    return this.#sweepPending.splice(0, wanted)
  }

  /** Closes the client when the store made it (`connect`). */
  async close(): Promise<void> {
    if (this.#ownsClient) await this.#client.close()
  }

  /** Runs one Redis step; a client failure (Redis away, the connection lost) becomes `E_REDIS_UNAVAILABLE` naming the step. */
  async #run<T>(what: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step()
    } catch (error) {
      if (error instanceof RedisStoreError) throw error
      const why = error instanceof Error ? error.message : String(error)
      throw new RedisStoreError('E_REDIS_UNAVAILABLE', `Redis could not be reached while ${what}: ${why}`, { cause: error })
    }
  }

  #openKey(): string {
    return `${this.#prefix}open`
  }

  #consumerKey(consumerId: string): string {
    return `${this.#prefix}consumer:${consumerId}:chats`
  }

  async #fencedSet(lease: ConversationLease, field: string, value: string): Promise<void> {
    const id = lease.conversationId
    const written = await this.#run(`writing the ${field} of ${id}`, () => this.#client.fencedSet(this.leaseKey(id), this.#leases.fenceKey(id), this.conversationKey(id), this.owner, lease.token, field, value, this.#ttlMs))
    if (written !== 1) throw new RedisStoreError('E_LEASE_LOST', `conversation ${id}: the lease with token ${lease.token} is no longer this process's; the write was refused`)
  }
}
