// The gateway's open sockets, counted per remote address and per consumer, feeding the socket gauges.
import type { GatewayMetrics } from './gateway-metrics.js'

/** Tracks open sockets (any object standing for one) by address and consumer; the one owner of those counts. */
export class SocketRegistry<S extends object> {
  readonly #address = new Map<S, string>()
  readonly #consumer = new Map<S, string>()
  readonly #perAddress = new Map<string, number>()
  // Counts, not sets: which sockets are whose is in #consumer already.
  readonly #perConsumer = new Map<string, number>()
  readonly #metrics: GatewayMetrics
  #emptied: (() => void)[] = []

  /** An empty registry updating `metrics`' socket and consumer gauges. */
  constructor(metrics: GatewayMetrics) {
    this.#metrics = metrics
  }

  /** Every open socket. */
  sockets(): IterableIterator<S> {
    return this.#address.keys()
  }

  /** Resolves once no socket is open (at once when none is). */
  whenEmpty(): Promise<void> {
    if (this.#address.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.#emptied.push(resolve))
  }

  /** Open sockets from `address`. */
  countAddress(address: string): number {
    return this.#perAddress.get(address) ?? 0
  }

  /** Open sockets authenticated as `consumerId`. */
  countConsumer(consumerId: string): number {
    return this.#perConsumer.get(consumerId) ?? 0
  }

  /** Counts a newly opened socket. */
  add(socket: S, address: string): void {
    this.#address.set(socket, address)
    this.#perAddress.set(address, this.countAddress(address) + 1)
    this.#metrics.socketsOpen.set(this.#address.size)
  }

  /** Counts `socket` as `consumerId`'s (moving it from the consumer it had, if any); a socket not open is ignored. */
  bindConsumer(socket: S, consumerId: string): void {
    if (!this.#address.has(socket)) return
    this.#unbind(socket)
    this.#consumer.set(socket, consumerId)
    this.#perConsumer.set(consumerId, this.countConsumer(consumerId) + 1)
    this.#metrics.consumersConnected.set(this.#perConsumer.size)
  }

  /** Forgets a closed socket. */
  remove(socket: S): void {
    const address = this.#address.get(socket)
    if (address === undefined) return
    this.#unbind(socket)
    this.#address.delete(socket)
    const left = this.countAddress(address) - 1
    if (left > 0) this.#perAddress.set(address, left)
    else this.#perAddress.delete(address)
    this.#metrics.socketsOpen.set(this.#address.size)
    if (this.#address.size === 0) for (const resolve of this.#emptied.splice(0)) resolve()
  }

  #unbind(socket: S): void {
    const consumerId = this.#consumer.get(socket)
    if (consumerId === undefined) return
    this.#consumer.delete(socket)
    const left = this.countConsumer(consumerId) - 1
    if (left > 0) this.#perConsumer.set(consumerId, left)
    else this.#perConsumer.delete(consumerId)
    this.#metrics.consumersConnected.set(this.#perConsumer.size)
  }
}
