/**
 * The in-process socket's connection provider: one `Connection` of its own, created on first use
 * for the consumer known then, and closed with the socket (a gateway shares one per consumer instead).
 */
import { Connection } from '../connection.js'
import type { ConnectionOptions } from '../connection-options.js'
import type { ChatClientPort } from '../legacy-contract.js'

// What makes the connection, dropped once it is made (it keeps its own copies): one field for the socket's life, not four.
interface Makings {
  readonly client: ChatClientPort
  readonly config: ConnectionOptions
  readonly ownsClient: boolean
}

/** One lazily created `Connection` on `client`; closing it closes the client when it owns it. */
export class PrivateConnection {
  #connection: Connection | Makings

  /** @param config already validated by the caller, so a mistake shows at construction. */
  constructor(client: ChatClientPort, config: ConnectionOptions, ownsClient: boolean) {
    this.#connection = { client, config, ownsClient }
  }

  /** The connection, created the first time with `consumerId`; later calls return the same one. */
  connectionFor(consumerId: string | undefined): Connection {
    const made = this.#connection
    if (made instanceof Connection) return made
    const { client, config, ownsClient } = made
    return (this.#connection = new Connection(client, { ...config, ...(consumerId === undefined ? {} : { consumerId }) }, { ownsClient }))
  }

  /** Closes the connection if one was made, else the client if owned. */
  close(): Promise<void> {
    const made = this.#connection
    if (made instanceof Connection) return made.close()
    return made.ownsClient ? made.client.close() : Promise.resolve()
  }
}
