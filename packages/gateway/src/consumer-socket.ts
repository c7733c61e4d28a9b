// One consumer's WebSocket: limits, timers and the session behind it, torn down together.
import type { RawData } from 'ws'
import { CloseCode } from './close-codes.js'
import { GatewayError } from './gateway-error.js'
import { closeCodeOf, requestIdOf, textOf } from './socket-frames.js'
import type { GatewayMetrics } from './gateway-metrics.js'
import type { ResolvedGatewayOptions } from './gateway-options.js'
import type { RegisteredSocket, SocketRegistry } from './socket-registry.js'
import type { ConsumerIdentity, GatewaySession, SessionContext, SessionSink } from './session-port.js'
import { FULL_BUCKET, type TokenRate } from './token-bucket.js'
import type { DeadlineHeap, Timed } from './deadline-heap.js'
import type { DeliveryTarget } from './delivery-delay.js'
import type { GatewayWebSocket, SocketEventTarget } from './gateway-websocket.js'

/** What a consumer socket needs from the gateway. */
export interface ConsumerSocketDeps {
  readonly options: ResolvedGatewayOptions
  readonly metrics: GatewayMetrics
  readonly registry: SocketRegistry<ConsumerSocket>
  readonly verify: (jwt: string) => Promise<ConsumerIdentity>
  /** The one timer of every socket's idle, authentication and expiry deadlines. */
  readonly deadlines: DeadlineHeap<ConsumerSocket>
  /** The request rate limit of every socket (`requestsPerSecond`, `requestBurst`); each socket keeps its bucket. */
  readonly requestRate: TokenRate
}

/**
 * A consumer's open socket, from the upgrade to the close; `heartbeat()` is called by the gateway's
 * ping sweep. It is its session's sink and context itself, and the target of its `ws` events (no
 * listeners, see {@link GatewayWebSocket}), so an idle socket holds this object rather than a dozen closures.
 */
export class ConsumerSocket implements SessionSink, SessionContext, Timed, DeliveryTarget, RegisteredSocket, SocketEventTarget {
  /** The identity verified on the upgrade, if any (the session's context). */
  readonly consumer: ConsumerIdentity | undefined
  /** Kept by `deps.deadlines`. */
  deadline = Infinity
  /** Kept by `deps.deadlines`. */
  slot = -1
  /** Kept by `deps.registry`. */
  registeredAddress: string | undefined = undefined
  /** Kept by `deps.registry`. */
  registeredConsumer: string | undefined = undefined
  /** Kept by `deps.registry`. */
  registeredSlot = -1
  // Kept by `deps.metrics.deliveries` (see DeliveryTarget).
  deliveriesSince: number | undefined = undefined
  deliveriesConversation: string | undefined = undefined
  deliveriesHighest = -1
  deliveriesMeasured: readonly (string | number)[] | undefined = undefined
  readonly #ws: GatewayWebSocket
  readonly #deps: ConsumerSocketDeps
  #bucket = FULL_BUCKET
  readonly #session: GatewaySession
  // Of the identity it authenticated as, only what it reads (the identity object costs ~70 bytes).
  #consumerId: string | undefined
  #expiryCode: number = CloseCode.identityExpired
  #alive = true
  #ended = false
  // In `deps.deadlines`' clock: the last frame (idle); authentication until it happens, then the expiry (one field: never both).
  #lastFrame: number
  #closeAt: number

  /** Wires `ws` (already open) to a new session; `identity` is the one verified on the upgrade, if any. */
  constructor(ws: GatewayWebSocket, address: string, identity: ConsumerIdentity | undefined, deps: ConsumerSocketDeps) {
    const { options } = deps
    this.consumer = identity
    this.#ws = ws
    this.#deps = deps
    deps.registry.add(this, address)
    this.#lastFrame = deps.deadlines.now()
    this.#closeAt = identity === undefined ? this.#lastFrame + options.authTimeoutMs : Infinity
    ws.owner = this
    if (identity !== undefined) this.#authenticated(identity)
    this.#schedule()
    this.#session = this.#open()
  }

  /** A deadline may have passed (see {@link DeadlineHeap}): closes the socket for the first that did, else answers the next. */
  due(now: number): number {
    const first = this.#nextDeadline()
    if (this.#ended || first > now) return this.#ended ? Infinity : first
    if (first !== this.#closeAt) this.shutdown(CloseCode.idle, 'idle')
    else if (this.#consumerId === undefined) this.shutdown(CloseCode.policyViolation, 'not authenticated in time')
    else this.shutdown(this.#expiryCode, 'the token expired')
    return Infinity
  }

  /** ws's `error` (it closes the socket itself). @internal */
  onWsError(error: Error): void {
    this.#deps.options.onError(error)
  }

  /** ws's `close`. @internal */
  onWsClose(): void {
    this.#closed()
  }

  /** ws's `ping`: the peer keeps the socket alive. @internal */
  onWsPing(): void {
    this.#lastFrame = this.#deps.deadlines.now()
  }

  /** ws's `pong`: the peer answered the heartbeat. @internal */
  onWsPong(): void {
    this.#alive = true
  }

  /** ws's `message`. @internal */
  onWsMessage(data: RawData, isBinary: boolean): void {
    this.#message(data, isBinary)
  }

  /** The session's context: verifies a token from `InitConnection`. */
  get verify(): (jwt: string) => Promise<ConsumerIdentity> {
    return this.#deps.verify
  }

  /** The session's sink: one frame to the consumer. */
  send(frame: object): void {
    this.#send(frame)
  }

  /** The session's sink: ends the socket because of `error`. */
  error(error: Error): void {
    this.#failed(error)
  }

  /** The session's context: the socket is authenticated as `identity` now. */
  onAuthenticated(identity: ConsumerIdentity): void {
    this.#authenticated(identity)
  }

  /** Drops the socket if it did not answer the last ping, else pings it again. */
  heartbeat(): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return
    if (!this.#alive) {
      this.#deps.metrics.socketsClosed.inc({ code: 'dead' })
      return void this.#ws.terminate()
    }
    this.#alive = false
    this.#ws.ping()
  }

  /** Closes the socket with `code`; `reason` is cut to what a close frame can hold. */
  shutdown(code: number, reason: string): void {
    if (this.#ws.readyState !== this.#ws.OPEN && this.#ws.readyState !== this.#ws.CONNECTING) return
    this.#deps.metrics.socketsClosed.inc({ code: String(code) })
    this.#ws.close(code, Buffer.from(reason).subarray(0, 123).toString('utf8').replace(/\uFFFD$/, ''))
  }

  /** Ends the socket at once, without a closing handshake (the drain's last resort). */
  terminate(): void {
    this.#ws.terminate()
  }

  #open(): GatewaySession {
    const { options } = this.#deps
    try {
      return options.sessions.open(this, this)
    } catch (error) {
      options.onError(error instanceof Error ? error : new Error(String(error)))
      this.shutdown(CloseCode.internalError, 'internal error')
      return { receive: () => undefined, close: () => undefined }
    }
  }

  #failed(error: Error): void {
    // Only the gateway's own messages are safe to show the peer; anything else is logged, not reflected.
    if (error instanceof GatewayError) return this.shutdown(closeCodeOf(error), error.message)
    this.#deps.options.onError(error)
    this.shutdown(CloseCode.internalError, 'internal error')
  }

  #message(data: RawData, isBinary: boolean): void {
    // The idle deadline moves later: the heap keeps the earlier one, and is told the new one when that passes.
    this.#lastFrame = this.#deps.deadlines.now()
    if (isBinary) return this.shutdown(CloseCode.unsupportedData, 'Messaging frames are text')
    const text = textOf(data)
    this.#deps.metrics.framesIn.inc()
    const bucket = this.#deps.requestRate.take(this.#bucket)
    if (bucket === undefined) {
      return this.#send({ kind: 'resp', reqId: requestIdOf(text), code: 429, type: 'GenericResponse', body: 'too many requests: wait at least 1 s' })
    }
    this.#bucket = bucket
    try {
      this.#session.receive(text)
    } catch (error) {
      this.#deps.options.onError(error instanceof Error ? error : new Error(String(error)))
      this.shutdown(CloseCode.internalError, 'internal error')
    }
  }

  #send(frame: object): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return
    this.#ws.send(JSON.stringify(frame))
    this.#deps.metrics.framesOut.inc()
    this.#deps.metrics.deliveries.written(this, frame)
    if ((frame as { kind?: unknown }).kind === 'notification') this.#deps.metrics.notificationsOut.inc()
    // Past the bound the consumer is not reading: close rather than buffer without limit.
    if (this.#ws.bufferedAmount > this.#deps.options.maxBufferedBytes) this.shutdown(CloseCode.tryAgainLater, 'reading too slowly')
  }

  #authenticated(identity: ConsumerIdentity): void {
    // A verification that finished after the close must not count a socket that is gone.
    if (this.#ended) return
    const { registry, options } = this.#deps
    if (this.#consumerId !== identity.consumerId) {
      if (registry.countConsumer(identity.consumerId) >= options.maxSocketsPerConsumer) {
        // Closing now: no authentication deadline any more; an identity it had still expires.
        if (this.#consumerId === undefined) this.#closeAt = Infinity
        return this.shutdown(CloseCode.policyViolation, 'too many sockets for this consumer')
      }
      registry.bindConsumer(this, identity.consumerId)
    }
    this.#consumerId = identity.consumerId
    this.#expiryCode = identity.authenticated ? CloseCode.tokenExpired : CloseCode.identityExpired
    const { deadlines } = this.#deps
    this.#closeAt = deadlines.now() + Math.max(0, identity.expiresAt - options.now())
    // In the constructor the socket is scheduled once all is set.
    if (this.slot >= 0 && this.#closeAt < this.deadline) this.#schedule()
  }

  #nextDeadline(): number {
    return Math.min(this.#lastFrame + this.#deps.options.idleTimeoutMs, this.#closeAt)
  }

  #schedule(): void {
    this.#deps.deadlines.set(this, this.#nextDeadline())
  }

  #closed(): void {
    this.#ended = true
    this.#deps.deadlines.delete(this)
    this.#deps.registry.remove(this)
    try {
      this.#session.close()
    } catch (error) {
      this.#deps.options.onError(error instanceof Error ? error : new Error(String(error)))
    }
  }
}
