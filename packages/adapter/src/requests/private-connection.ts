/**
 * The in-process socket's connection provider: one `Connection` of its own, created on first use
 * for the consumer known then, and closed with the socket (a gateway shares one per consumer instead).
 */
import { Connection } from '../connection.js'
import type { ConnectionOptions } from '../connection-options.js'
import type { ChatClientPort } from '../legacy-contract.js'

/** One lazily created `Connection` on `client`; closing it closes the client when it owns it. */
export class PrivateConnection {
  readonly #client: ChatClientPort
  // Dropped once the connection is made (it keeps its resolved copy), not held for the socket's life.
  #config: ConnectionOptions | undefined
  readonly #ownsClient: boolean
  #connection: Connection | undefined

  /** @param config already validated by the caller, so a mistake shows at construction. */
  constructor(client: ChatClientPort, config: ConnectionOptions, ownsClient: boolean) {
    this.#client = client
    this.#config = config
    this.#ownsClient = ownsClient
  }

  /** The connection, created the first time with `consumerId`; later calls return the same one. */
  connectionFor(consumerId: string | undefined): Connection {
    if (this.#connection !== undefined) return this.#connection
    this.#connection = new Connection(this.#client, { ...this.#config, ...(consumerId === undefined ? {} : { consumerId }) }, { ownsClient: this.#ownsClient })
    this.#config = undefined
    return this.#connection
  }

  /** Closes the connection if one was made, else the client if owned. */
  close(): Promise<void> {
    if (this.#connection !== undefined) return this.#connection.close()
    return this.#ownsClient ? this.#client.close() : Promise.resolve()
  }
}
