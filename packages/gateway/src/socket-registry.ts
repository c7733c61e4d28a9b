// The gateway's open sockets, counted per remote address and per consumer, feeding the socket gauges.
import type { GatewayMetrics } from './gateway-metrics.js'

/**
 * What a {@link SocketRegistry} keeps on each socket, on the socket itself (as the deadline heap
 * keeps `deadline` and `slot`): a map entry per socket for each cost ~50 bytes. @internal
 */
export interface RegisteredSocket {
  /** The remote address it was added with. Kept by the registry. */
  registeredAddress: string | undefined
  /** The consumer it is counted as, if any. Kept by the registry. */
  registeredConsumer: string | undefined
}

/** Tracks open sockets by address and consumer; the one owner of those counts. */
export class SocketRegistry<S extends RegisteredSocket> {
  readonly #open = new Set<S>()
  // Each address's count and its first socket's copy of it, which later sockets from there share (~32 B each).
  readonly #perAddress = new Map<string, { readonly address: string; count: number }>()
  // Counts, not sets: which sockets are whose is on the sockets already.
  readonly #perConsumer = new Map<string, number>()
  readonly #metrics: GatewayMetrics
  #emptied: (() => void)[] = []

  /** An empty registry updating `metrics`' socket and consumer gauges. */
  constructor(metrics: GatewayMetrics) {
    this.#metrics = metrics
  }

  /** Every open socket. */
  sockets(): IterableIterator<S> {
    return this.#open.values()
  }

  /** Resolves once no socket is open (at once when none is). */
  whenEmpty(): Promise<void> {
    if (this.#open.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.#emptied.push(resolve))
  }

  /** Open sockets from `address`. */
  countAddress(address: string): number {
    return this.#perAddress.get(address)?.count ?? 0
  }

  /** Open sockets authenticated as `consumerId`. */
  countConsumer(consumerId: string): number {
    return this.#perConsumer.get(consumerId) ?? 0
  }

  /** Counts a newly opened socket. */
  add(socket: S, address: string): void {
    this.#open.add(socket)
    const counted = this.#perAddress.get(address)
    if (counted === undefined) this.#perAddress.set(address, { address, count: 1 })
    else counted.count += 1
    socket.registeredAddress = counted?.address ?? address
    this.#metrics.socketsOpen.set(this.#open.size)
  }

  /** Counts `socket` as `consumerId`'s (moving it from the consumer it had, if any); a socket not open is ignored. */
  bindConsumer(socket: S, consumerId: string): void {
    if (!this.#open.has(socket)) return
    this.#unbind(socket)
    socket.registeredConsumer = consumerId
    this.#perConsumer.set(consumerId, this.countConsumer(consumerId) + 1)
    this.#metrics.consumersConnected.set(this.#perConsumer.size)
  }

  /** Forgets a closed socket. */
  remove(socket: S): void {
    const address = socket.registeredAddress
    if (address === undefined || !this.#open.delete(socket)) return
    this.#unbind(socket)
    socket.registeredAddress = undefined
    const counted = this.#perAddress.get(address)
    if (counted !== undefined && counted.count > 1) counted.count -= 1
    else this.#perAddress.delete(address)
    this.#metrics.socketsOpen.set(this.#open.size)
    if (this.#open.size === 0) for (const resolve of this.#emptied.splice(0)) resolve()
  }

  #unbind(socket: S): void {
    const consumerId = socket.registeredConsumer
    if (consumerId === undefined) return
    socket.registeredConsumer = undefined
    const left = this.countConsumer(consumerId) - 1
    if (left > 0) this.#perConsumer.set(consumerId, left)
    else this.#perConsumer.delete(consumerId)
    this.#metrics.consumersConnected.set(this.#perConsumer.size)
  }
}
