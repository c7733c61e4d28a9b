// The gateway's WebSocket class (ws's `WebSocket` option): a consumer socket's events go straight to its owner, with no listeners.
import { type RawData, WebSocket } from 'ws'

/** What takes a {@link GatewayWebSocket}'s events once it has an owner. @internal */
export interface SocketEventTarget {
  onWsMessage(data: RawData, isBinary: boolean): void
  onWsClose(): void
  onWsError(error: Error): void
  /** The peer pinged: it is there (browsers cannot ping; other clients keep alive this way). */
  onWsPing(): void
  /** The peer answered the gateway's ping. */
  onWsPong(): void
}

/**
 * ws's `WebSocket`, whose owner takes its events: a socket's five listeners (message, close, error,
 * ping, pong) put its emitter's event table past three entries, which cost each socket ~96 bytes,
 * and the listeners found their socket in a `WeakMap`, another entry each. ws emits every event
 * through `emit`, so this is where they are taken; without an owner (a socket being refused) and for
 * any other event, listeners work as usual.
 *
 * @internal
 */
export class GatewayWebSocket extends WebSocket {
  /** Set once, by the socket's owner. */
  owner: SocketEventTarget | undefined = undefined

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const owner = this.owner
    if (owner === undefined) return super.emit(event, ...args)
    switch (event) {
      case 'message':
        owner.onWsMessage(args[0] as RawData, args[1] === true)
        return true
      case 'close':
        owner.onWsClose()
        return true
      case 'error':
        owner.onWsError(args[0] as Error)
        return true
      case 'ping':
        owner.onWsPing()
        return true
      case 'pong':
        owner.onWsPong()
        return true
      default:
        return super.emit(event, ...args)
    }
  }
}
