// The consumers' conversations, outliving their sockets: one Connection per verified consumer id.
import { AdapterError, Connection, RequestRefusedError } from '@chatbridge/adapter'
import type { ChatClientPort, ConnectionOptions, ConversationRelay, ConversationRequest, ConversationStore, PollReport } from '@chatbridge/adapter'
import { type StoreOutageReporter, storeOutageReporter } from './store-outage.js'
import { resumeStored } from './stored-conversations.js'
import type { GatewayMetrics } from './gateway-metrics.js'
import { type ConsumerLease, HeldLease, type LeaseHost } from './consumer-lease.js'
import { type ConsumerPresence, consumerPresence } from './consumer-presence.js'
import { type ConsumerEntry, SETTLED, holdUntilSettled, takeAll } from './consumer-entry.js'
import { NO_ITEMS, countOf, firstOf, has, itemsOf, withItem, withoutItem } from '@chatbridge/adapter/internals'

export type { ConsumerLease } from './consumer-lease.js'

/** Options of a {@link ConsumerRegistry}. */
export interface ConsumerRegistryOptions {
  /** The legacy client every consumer's connection uses (shared; the registry never closes it). */
  readonly client: ChatClientPort
  /** Options of each consumer's `Connection`; `consumerId` and `keepConversationsAlive` are set by the registry. */
  readonly connection?: ConnectionOptions
  /** With no socket of a consumer for this long, on any process (see `relay`), its open chats held here are ended (the visitor left). Default 10 min. */
  readonly abandonAfterMs?: number
  /** Metrics to feed: `chatsPolled` (open conversations), `pollFailures` (failed polls, by code, from the poll reports), `abandonsDeferred` (the consumer present elsewhere). */
  readonly metrics?: Pick<GatewayMetrics, 'chatsPolled' | 'pollFailures'> & Partial<Pick<GatewayMetrics, 'abandonsDeferred'>>
  /** Where the consumers' conversations are kept, shared by a deployment's processes: a first socket here resumes them. Default: memory. */
  readonly store?: ConversationStore
  /** With `store`: a conversation another live process holds is followed through it (see `Connection.followConversation`); consumers with a socket here are marked present on it. */
  readonly relay?: ConversationRelay
  /** Told of failures absorbed: a chat that could not be ended on abandon, a store outage (once per outage). */
  readonly onError?: (error: Error) => void
}

/**
 * The one owner of which conversations are whose. A consumer's `Connection` is made on its first
 * socket and shared by every later one (reload, reconnect, a second tab); while no socket is
 * connected it keeps polling, so the legacy chat stays alive; after `abandonAfterMs` with none, the
 * consumer's open chats are ended as the visitor leaving and its connection closed.
 */
export class ConsumerRegistry {
  readonly #options: ConsumerRegistryOptions
  readonly #abandonAfterMs: number
  readonly #entries = new Map<string, ConsumerEntry>()
  readonly #abandoning = new Set<Promise<void>>()
  readonly #outage: StoreOutageReporter | undefined
  readonly #presence: ConsumerPresence
  #closed = false
  readonly #connectionOptions: ConnectionOptions
  // What every lease calls back: one object for the registry, so a lease holds no closures.
  readonly #host: LeaseHost<ConsumerEntry> = {
    request: (entry, request, next) => this.#request(entry, request, next),
    closed: (entry, conversationId) => this.#over(entry, conversationId),
    released: (entry) => {
      entry.sockets -= 1
      this.#arm(entry, this.#abandonAfterMs)
    },
  }

  /** An empty registry; connections are made as consumers arrive. */
  constructor(options: ConsumerRegistryOptions) {
    this.#options = options
    this.#abandonAfterMs = options.abandonAfterMs ?? 600_000
    const { store, onError } = options
    this.#outage = store === undefined || onError === undefined ? undefined : storeOutageReporter(store, onError)
    const present = (): string[] => [...this.#entries.values()].filter((entry) => entry.sockets > 0).map((entry) => entry.consumerId)
    const failures = options.metrics?.pollFailures
    const onPoll = options.connection?.onPoll
    const onConversationEnd = options.connection?.onConversationEnd
    this.#connectionOptions = {
      ...options.connection,
      ...(store === undefined ? {} : { store }),
      ...(store === undefined || options.relay === undefined ? {} : { relay: options.relay }),
      keepConversationsAlive: true,
      // Every connection's conversations' ends through one callback, where a watch of each cost it ~150 B.
      onConversationEnd: (conversationId: string, consumerId: string | undefined): void => {
        const entry = consumerId === undefined ? undefined : this.#entries.get(consumerId)
        if (entry !== undefined) this.#over(entry, conversationId)
        onConversationEnd?.(conversationId, consumerId)
      },
      // Failed polls from every connection's poll reports: one callback for all, where an errors$ subscription per consumer cost ~2.8 KB each.
      ...(failures === undefined ? {} : {
        onPoll: (report: PollReport): void => {
          if (report.outcome === 'failed') failures.inc({ code: report.code ?? 'unknown' })
          onPoll?.(report)
        },
      }),
    }
    this.#presence = consumerPresence(store === undefined ? undefined : options.relay, this.#abandonAfterMs, present, (error) => this.reportStoreError(error))
  }

  /** Consumers with a live connection (connected or not yet abandoned). */
  get consumers(): number {
    return this.#entries.size
  }

  /** Open conversations across consumers: the legacy chats being kept alive. */
  get openConversations(): number {
    let count = 0
    for (const entry of this.#entries.values()) count += countOf(entry.open)
    return count
  }

  /** Counts a socket of `consumerId`, making its connection on first use and cancelling its abandon timer. */
  attach(consumerId: string): ConsumerLease {
    if (this.#closed) throw new AdapterError('E_CLOSED', 'the gateway is shutting down')
    const entry = this.#entries.get(consumerId) ?? this.#create(consumerId)
    clearTimeout(entry.abandon)
    entry.abandon = undefined
    entry.sockets += 1
    return new HeldLease(entry, this.#host)
  }

  /** Takes over a chat no process polls, with no socket (see orphan-sweeper.ts); a new entry resumes all the consumer's. Undefined when closing or already its. */
  adopt(consumerId: string, conversationId: string): Connection | undefined {
    const known = this.#entries.get(consumerId)
    if (this.#closed || (known !== undefined && has(known.owned, conversationId))) return undefined
    if (known !== undefined) this.#track(known, known.connection.resumeConversation(conversationId).conversationId)
    else this.attach(consumerId).release()
    return this.#entries.get(consumerId)?.connection
  }

  /** A store failure met outside a connection (the orphan sweep): told once per outage, as the connections' are. */
  reportStoreError(error: Error): void {
    void (this.#outage === undefined ? this.#options.onError?.(error) : this.#outage.report(error))
  }

  /** Closes every connection (the chats are not ended) and cancels the timers; waits for abandons under way. */
  async close(): Promise<void> {
    this.#closed = true
    this.#outage?.close()
    this.#presence.close()
    const entries = [...this.#entries.values()]
    this.#entries.clear()
    for (const entry of entries) {
      clearTimeout(entry.abandon)
      for (const subscription of takeAll(entry)) subscription.unsubscribe()
    }
    await Promise.all([...entries.map((entry) => entry.connection.close()), ...this.#abandoning])
    this.#gauge()
  }

  #create(consumerId: string): ConsumerEntry {
    const { store } = this.#options
    const connection = new Connection(this.#options.client, { ...this.#connectionOptions, consumerId })
    const entry: ConsumerEntry = {
      consumerId,
      connection,
      owned: NO_ITEMS,
      open: NO_ITEMS,
      subscriptions: NO_ITEMS,
      sockets: 0,
      ready: SETTLED,
      abandon: undefined,
      lock: SETTLED,
    }
    // During a store outage every connection's writes fail on each poll: the operator hears of it once.
    const outage = this.#outage
    if (outage !== undefined && store !== undefined) {
      entry.subscriptions = connection.errors$.subscribe((error) => {
        if (store.available === false) outage.report(error instanceof Error ? error : new Error(String(error)))
      })
    }
    this.#entries.set(consumerId, entry)
    if (store !== undefined) {
      holdUntilSettled(entry, 'ready', resumeStored(store, consumerId, connection, {
        track: (conversationId) => this.#track(entry, conversationId),
        closed: () => this.#closed || this.#entries.get(consumerId) !== entry,
        onError: (error) => this.reportStoreError(error),
      }, this.#options.relay !== undefined))
    }
    return entry
  }

  #request(
    entry: ConsumerEntry,
    request: ConversationRequest,
    next: (request: ConversationRequest) => Promise<{ readonly conversationId: string }>,
  ): Promise<{ readonly conversationId: string }> {
    const run = async (): Promise<{ readonly conversationId: string }> => {
      const open = firstOf(entry.open)
      if (open !== undefined) {
        const message = `conversation ${open} is open: continue it, or close it before requesting another`
        throw new RequestRefusedError(409, message, { body: { conversationId: open, message } })
      }
      const { conversationId } = await next(request)
      this.#track(entry, conversationId)
      return { conversationId }
    }
    const result = entry.lock.then(run, run)
    holdUntilSettled(entry, 'lock', result)
    return result
  }

  #track(entry: ConsumerEntry, conversationId: string): void {
    entry.owned = withItem(entry.owned, conversationId, true)
    entry.open = withItem(entry.open, conversationId, true)
    this.#gauge()
  }

  #over(entry: ConsumerEntry, conversationId: string): void {
    const open = withoutItem(entry.open, conversationId)
    if (open === entry.open) return
    entry.open = open
    this.#gauge()
  }

  #arm(entry: ConsumerEntry, afterMs: number): void {
    if (entry.sockets > 0 || this.#closed || this.#entries.get(entry.consumerId) !== entry) return
    entry.abandon = setTimeout(() => {
      const abandoning = this.#abandonUnlessPresent(entry)
      this.#abandoning.add(abandoning)
      void abandoning.finally(() => this.#abandoning.delete(abandoning))
    }, afterMs)
  }

  async #abandonUnlessPresent(entry: ConsumerEntry): Promise<void> {
    const left = await this.#presence.left(entry.consumerId)
    // A socket came back here meanwhile, or the registry closed: nothing to end.
    if (entry.sockets > 0 || this.#closed || this.#entries.get(entry.consumerId) !== entry) return
    if (left === 0) return this.#abandon(entry)
    // A socket of the consumer is open on another process: asked again once its presence runs out.
    this.#options.metrics?.abandonsDeferred?.inc()
    this.#arm(entry, left + 1)
  }

  async #abandon(entry: ConsumerEntry): Promise<void> {
    // Forgotten first: a socket arriving now starts afresh rather than on a connection being closed.
    this.#entries.delete(entry.consumerId)
    // A followed chat is its holder's to end; a promoted one is this process's now.
    const open = itemsOf(entry.open).filter((conversationId) => !entry.connection.follows(conversationId))
    await Promise.all(
      open.map((conversationId) =>
        entry.connection.closeConversation(conversationId).catch((error: unknown) => this.#options.onError?.(error instanceof Error ? error : new Error(String(error)))),
      ),
    )
    for (const subscription of takeAll(entry)) subscription.unsubscribe()
    await entry.connection.close()
    this.#gauge()
  }

  #gauge(): void {
    this.#options.metrics?.chatsPolled.set(this.openConversations)
  }
}
