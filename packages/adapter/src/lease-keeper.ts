// Keeps a connection's conversation leases: one batched renewal per tick for all of them.
import { type SchedulerLike, type Subscription, interval } from 'rxjs'
import type { ConversationLease, ConversationStore } from './conversation-store.js'
import { SmallMap } from './small-map.js'

/** Told when the store says its lease is gone (the conversation itself: no closure per chat). @internal */
export interface LeaseLossListener {
  leaseGone(): void
}

/** Whether `lease` runs out: a shared store's does, the in-memory store's never does. Only those are renewed, and so kept. @internal */
export function expires(lease: ConversationLease): boolean {
  return Number.isFinite(lease.ttlMs)
}

interface Held {
  readonly lease: ConversationLease
  readonly holder: LeaseLossListener
}

/**
 * Renews every lease a connection holds in one store call per tick (a third of the shortest TTL,
 * so a lease survives two failed renewals); a lease the store reports lost calls its `onLost`
 * once (its holder's `leaseGone`). Leases that never expire (the in-memory store's) start no timer.
 *
 * @internal
 */
export class LeaseKeeper {
  readonly #store: ConversationStore
  readonly #scheduler: SchedulerLike
  readonly #errors: { error(error: unknown): void }
  // Small: a socket's connection holds one lease at most times, or none.
  readonly #held = new SmallMap<Held>()
  #timer: Subscription | undefined
  #periodMs = Infinity
  #renewing = false

  /** Makes a keeper renewing through `store`; failed renewals (Redis down) go to `errors.error` and are tried again next tick. */
  constructor(store: ConversationStore, scheduler: SchedulerLike, errors: { error(error: unknown): void }) {
    this.#store = store
    this.#scheduler = scheduler
    this.#errors = errors
  }

  /** Keeps `lease` renewed until {@link remove}; `holder.leaseGone()` runs when the store says it is gone. */
  add(lease: ConversationLease, holder: LeaseLossListener): void {
    // Nothing to renew, and no store reports such a lease lost: keeping it would cost each chat an entry.
    if (!expires(lease)) return
    this.#held.set(lease.conversationId, { lease, holder })
    const periodMs = Math.max(1, Math.floor(lease.ttlMs / 3))
    if (periodMs >= this.#periodMs) return
    this.#periodMs = periodMs
    this.#timer?.unsubscribe()
    this.#timer = interval(periodMs, this.#scheduler).subscribe(() => void this.renewNow())
  }

  /** Stops renewing the conversation's lease. */
  remove(conversationId: string): void {
    this.#held.delete(conversationId)
  }

  /** The leases being renewed (one that never expires is not kept: there is nothing to renew). */
  get leases(): readonly ConversationLease[] {
    return this.#held.values().map((held) => held.lease)
  }

  /** Renews every lease now, in one store call (skipped while the previous one runs). */
  async renewNow(): Promise<void> {
    const held = this.#held.values()
    if (this.#renewing || held.length === 0) return
    this.#renewing = true
    try {
      const lost = await this.#store.renewLeases(held.map((h) => h.lease))
      for (const lease of lost) {
        const gone = this.#held.get(lease.conversationId)
        if (gone?.lease.token !== lease.token) continue
        this.#held.delete(lease.conversationId)
        gone.holder.leaseGone()
      }
    } catch (error) {
      this.#errors.error(error)
    } finally {
      this.#renewing = false
    }
  }

  /** Stops the timer; the leases are left to expire (or released by their owner). */
  dispose(): void {
    this.#timer?.unsubscribe()
    this.#timer = undefined
    this.#held.clear()
  }
}
