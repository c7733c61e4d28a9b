// The orphan sweep: a dead process's chats are taken over by a live one even when their consumers stay away.
import { type ConversationLease, type ConversationStore, isLeaseLost } from '@chatbridge/adapter'
import type { ConsumerRegistry } from './consumer-registry.js'

/** What the sweep follows of an adopted chat's connection: the end of its dialog (a `Connection`'s `messagingEvents$`). @internal */
export interface AdoptedConnection {
  messagingEvents$(conversationId: string, options: { readonly fromSeq: number }): {
    subscribe(observer: { complete(): void; error(): void }): { unsubscribe(): void }
  }
}

/** Options of {@link startOrphanSweeper}. @internal */
export interface OrphanSweeperOptions {
  /** The shared store; its `leaseTtlMs` sets the pace. */
  readonly store: ConversationStore
  /** Where adopted chats go (their connection back), and where a store failure is told (once per outage). */
  readonly registry: {
    adopt(consumerId: string, conversationId: string): AdoptedConnection | undefined
  } & Pick<ConsumerRegistry, 'reportStoreError'>
  /** The lease TTL the pace derives from; default `store.leaseTtlMs`. */
  readonly leaseTtlMs?: number
  /** Orphans looked at per sweep, at most; default 100. */
  readonly batch?: number
}

/** A running sweep. @internal */
export interface OrphanSweeper {
  /** Stops sweeping; resolves once a sweep under way has finished. */
  close(): Promise<void>
}

/**
 * How long a chat must be seen without a lease before a sweep takes it, and how often one runs.
 * A consumer that reconnected to another process has that process try the lease every TTL/4; the
 * grace is longer, so the consumer's own process wins the chat and the sweep takes only chats whose
 * consumers are away. A chat is then polled again at most `TTL + graceMs + periodMs` after its
 * process died (= TTL × 1.5). @internal
 */
export function sweepPace(leaseTtlMs: number): { readonly periodMs: number; readonly graceMs: number } {
  const periodMs = Math.max(1, Math.floor(leaseTtlMs / 6))
  return { periodMs, graceMs: 2 * periodMs }
}

/**
 * Which of the chats listed now are taken (seen free for `graceMs` at least), and when each of the
 * others was first seen free. A chat not listed now is forgotten: it has an owner again, or the walk
 * did not reach it this time (its grace starts over). Pure. @internal
 */
export function sweepDecision(
  firstSeen: ReadonlyMap<string, number>,
  listed: readonly string[],
  now: number,
  graceMs: number,
): { readonly adopt: readonly string[]; readonly firstSeen: ReadonlyMap<string, number> } {
  const adopt: string[] = []
  const next = new Map<string, number>()
  for (const id of listed) {
    const since = firstSeen.get(id) ?? now
    if (now - since >= graceMs) adopt.push(id)
    else next.set(id, since)
  }
  return { adopt, firstSeen: next }
}

/**
 * Sweeps every `sweepPace(ttl).periodMs`: one store call lists the open chats nobody holds; each one
 * free for the grace is taken with `acquireLease` (which decides between processes sweeping at once:
 * one wins, the others skip) and adopted by the registry for its consumer, without a socket. When
 * an adopted chat's dialog ends (the chat is over, or its consumer abandoned it), it is ended in the
 * store, so no sweep takes it again.
 *
 * @internal
 */
export function startOrphanSweeper(options: OrphanSweeperOptions): OrphanSweeper {
  const { store, registry } = options
  const ttlMs = options.leaseTtlMs ?? store.leaseTtlMs ?? 10_000
  const { periodMs, graceMs } = sweepPace(ttlMs)
  const batch = options.batch ?? 100
  let firstSeen: ReadonlyMap<string, number> = new Map()
  let closed = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const watching = new Set<{ unsubscribe(): void }>()

  const adoptOne = async (conversationId: string): Promise<void> => {
    const stored = await store.loadConversation(conversationId)
    if (closed || stored?.consumerId === undefined) return
    const lease = await store.acquireLease(conversationId)
    if (lease === undefined) return
    const connection = closed ? undefined : registry.adopt(stored.consumerId, conversationId)
    if (connection === undefined) return store.releaseLease(lease)
    // Nothing else tells the store a chat is over; unended, it would be swept up again once its lease is given up.
    // The dialog may end during `subscribe` itself (a chat already over), before its subscription is known.
    const watch: { subscription?: { unsubscribe(): void }; ended?: true } = {}
    const end = (): void => {
      watch.ended = true
      if (watch.subscription !== undefined) watching.delete(watch.subscription)
      over(lease)
    }
    watch.subscription = connection.messagingEvents$(conversationId, { fromSeq: Number.MAX_SAFE_INTEGER }).subscribe({ complete: end, error: end })
    if (watch.ended !== true) watching.add(watch.subscription)
  }
  const over = (lease: ConversationLease): void => {
    if (closed) return
    store.endConversation(lease).catch((error: unknown) => {
      if (!isLeaseLost(error)) report(error)
    })
  }
  const report = (error: unknown): void => registry.reportStoreError(error instanceof Error ? error : new Error(String(error)))
  const sweep = async (): Promise<void> => {
    const listed = await store.orphanedConversations(batch)
    const decision = sweepDecision(firstSeen, listed, Date.now(), graceMs)
    firstSeen = decision.firstSeen
    await Promise.all(decision.adopt.map((id) => adoptOne(id).catch(report)))
  }
  const schedule = (): void => {
    if (closed) return
    timer = setTimeout(() => {
      running = sweep().catch(report).finally(schedule)
    }, periodMs)
  }
  schedule()
  return {
    close: async () => {
      closed = true
      clearTimeout(timer)
      await running
      for (const watch of watching) watch.unsubscribe()
      watching.clear()
    },
  }
}
