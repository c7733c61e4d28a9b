/**
 * Chat leases on Redis: at any moment one process polls a chat and sends its lines. A lease has a
 * TTL and a fencing token; every state write carries the token and Redis refuses a write whose
 * token is no longer the lease's, so a process that paused past its lease cannot overwrite the
 * new owner's state (see the store's fenced scripts).
 */
import { randomUUID } from 'node:crypto'
import type { ChatLeaseClient } from './redis-client.js'

/** A lease this process holds on one chat. @internal */
export interface ChatLease {
  readonly chatId: string
  /** The fencing token: larger than the token of any earlier lease of this chat. */
  readonly token: number
}

/** Options of {@link ChatLeases}. @internal */
export interface ChatLeasesOptions {
  /** How long a lease lasts without renewal, in ms; the store's default is a quarter of `chatTimeout`. */
  readonly ttlMs: number
  /** Key prefix shared by every process of one deployment; default `chatbridge:`. */
  readonly prefix?: string
  /** This process's owner id (no spaces); default a random UUID. */
  readonly owner?: string
}

/** Acquires, renews (in batches) and releases chat leases. @internal (the store's building block) */
export class ChatLeases {
  /** This process's owner id, as stored in the lease keys. */
  readonly owner: string
  readonly #client: ChatLeaseClient
  readonly #ttlMs: number
  readonly #prefix: string

  /** @param client a connected client made by `createStoreClient`. */
  constructor(client: ChatLeaseClient, options: ChatLeasesOptions) {
    this.#client = client
    this.#ttlMs = options.ttlMs
    this.#prefix = options.prefix ?? 'chatbridge:'
    this.owner = options.owner ?? randomUUID()
  }

  /** The lease key of a chat. */
  leaseKey(chatId: string): string {
    return `${this.#prefix}chat:${chatId}:lease`
  }

  /** The fencing counter's key of a chat. */
  fenceKey(chatId: string): string {
    return `${this.#prefix}chat:${chatId}:fence`
  }

  /** Takes the chat's lease when it is free (or already this owner's); `undefined` while another process holds it. */
  async acquire(chatId: string): Promise<ChatLease | undefined> {
    const token = await this.#client.acquireLease(this.leaseKey(chatId), this.fenceKey(chatId), this.owner, this.#ttlMs)
    return token === null ? undefined : { chatId, token: Number(token) }
  }

  /**
   * Renews every lease of the list in one Redis command; resolves with the ones that were lost
   * (taken by another process since): stop touching those chats. One that expired while nobody
   * took it is taken back with its token.
   */
  async renew(leases: readonly ChatLease[]): Promise<readonly ChatLease[]> {
    if (leases.length === 0) return []
    const renewed = await this.#client.renewLeases(
      leases.map((lease) => this.leaseKey(lease.chatId)),
      leases.map((lease) => this.fenceKey(lease.chatId)),
      this.owner,
      leases.map((lease) => lease.token),
      this.#ttlMs,
    )
    return leases.filter((_, i) => renewed[i] !== 1)
  }

  /** Gives the lease up (when still held with its token), so another process may take the chat at once. */
  async release(lease: ChatLease): Promise<boolean> {
    return (await this.#client.releaseLease(this.leaseKey(lease.chatId), this.owner, lease.token)) === 1
  }
}
