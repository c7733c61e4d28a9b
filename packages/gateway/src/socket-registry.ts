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
  /** Its place in the registry's list of open sockets; -1 when not open. Kept by the registry. */
  registeredSlot: number
}

/** Tracks open sockets by address and consumer; the one owner of those counts. */
export class SocketRegistry<S extends RegisteredSocket> {
  // A list, each socket knowing its place (as the deadline heap's do): a `Set` cost ~40 B a socket.
  readonly #open: S[] = []
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

  /** Every open socket (a copy: closing them meanwhile is safe). */
  sockets(): readonly S[] {
    return this.#open.slice()
  }

  /** Resolves once no socket is open (at once when none is). */
  whenEmpty(): Promise<void> {
    if (this.#open.length === 0) return Promise.resolve()
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
    if (socket.registeredSlot >= 0) return
    socket.registeredSlot = this.#open.push(socket) - 1
    const counted = this.#perAddress.get(address)
    if (counted === undefined) this.#perAddress.set(address, { address, count: 1 })
    else counted.count += 1
    socket.registeredAddress = counted?.address ?? address
    this.#metrics.socketsOpen.set(this.#open.length)
  }

  /** Counts `socket` as `consumerId`'s (moving it from the consumer it had, if any); a socket not open is ignored. */
  bindConsumer(socket: S, consumerId: string): void {
    if (socket.registeredSlot < 0) return
    this.#unbind(socket)
    socket.registeredConsumer = consumerId
    this.#perConsumer.set(consumerId, this.countConsumer(consumerId) + 1)
    this.#metrics.consumersConnected.set(this.#perConsumer.size)
  }

  /** Forgets a closed socket. */
  remove(socket: S): void {
    const address = socket.registeredAddress
    const slot = socket.registeredSlot
    if (address === undefined || slot < 0) return
    // The last socket takes the place of the one leaving.
    const last = this.#open.pop() as S
    if (last !== socket) {
      this.#open[slot] = last
      last.registeredSlot = slot
    }
    socket.registeredSlot = -1
    this.#unbind(socket)
    socket.registeredAddress = undefined
    const counted = this.#perAddress.get(address)
    if (counted !== undefined && counted.count > 1) counted.count -= 1
    else this.#perAddress.delete(address)
    this.#metrics.socketsOpen.set(this.#open.length)
    if (this.#open.length === 0) for (const resolve of this.#emptied.splice(0)) resolve()
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
