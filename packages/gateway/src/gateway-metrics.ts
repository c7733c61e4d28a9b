// The gateway's Prometheus metrics, on a registry of its own (never prom-client's global one).
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { DeliveryDelay } from './delivery-delay.js'

/** Why an upgrade was refused, as the `reason` label of `chatbridge_gateway_upgrades_refused_total`. */
export type RefusalReason = 'not-found' | 'bad-version' | 'origin' | 'token' | 'consumer-limit' | 'address-limit' | 'draining'

/**
 * The gateway's metrics. The socket, frame and notification metrics are fed by the gateway; the
 * chat metrics (`chatsPolled`, `polls`, `pollFailures`, and `deliveries` for `deliveryDelay`) are
 * for the engine behind the sessions to update.
 */
export interface GatewayMetrics {
  /** The registry `/metrics` renders. */
  readonly registry: Registry
  /** Open WebSocket connections. */
  readonly socketsOpen: Gauge
  /** Consumers with at least one authenticated socket. */
  readonly consumersConnected: Gauge
  /** Text frames received from consumers. */
  readonly framesIn: Counter
  /** Frames sent to consumers. */
  readonly framesOut: Counter
  /** Upgrades refused, by `reason`. */
  readonly upgradesRefused: Counter<'reason'>
  /** Sockets closed by the gateway, by close `code`. */
  readonly socketsClosed: Counter<'code'>
  /** Legacy chats being polled. */
  readonly chatsPolled: Gauge
  /** Legacy polls settled, by `outcome` (`ok` or `failed`) and `code` (the failed poll's error code, else empty). */
  readonly polls: Counter<'outcome' | 'code'>
  /** Legacy polls failed, by `code` (the chatbridge error code or HTTP status). */
  readonly pollFailures: Counter<'code'>
  /** Notifications sent to consumers (frames of kind `notification`). */
  readonly notificationsOut: Counter
  /** Abandon timers put off because the consumer had a socket on another process (its chats held here go on). */
  readonly abandonsDeferred: Counter
  /** Seconds from the poll that brought a live event to its notification written to a socket (once per socket). */
  readonly deliveryDelay: Histogram
  /** Feeds `deliveryDelay` from polls and written frames. */
  readonly deliveries: DeliveryDelay
}

/** Makes the metrics on a fresh registry. */
export function createGatewayMetrics(now: () => number = Date.now): GatewayMetrics {
  const registry = new Registry()
  const registers = [registry]
  const deliveryDelay = new Histogram({
    name: 'chatbridge_gateway_delivery_delay_seconds',
    help: 'Seconds from the poll that brought a live event to its notification written to a socket.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers,
  })
  return {
    registry,
    socketsOpen: new Gauge({ name: 'chatbridge_gateway_sockets_open', help: 'Open WebSocket connections.', registers }),
    consumersConnected: new Gauge({ name: 'chatbridge_gateway_consumers_connected', help: 'Consumers with an authenticated socket.', registers }),
    framesIn: new Counter({ name: 'chatbridge_gateway_frames_in_total', help: 'Frames received from consumers.', registers }),
    framesOut: new Counter({ name: 'chatbridge_gateway_frames_out_total', help: 'Frames sent to consumers.', registers }),
    upgradesRefused: new Counter({
      name: 'chatbridge_gateway_upgrades_refused_total',
      help: 'WebSocket upgrades refused, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    socketsClosed: new Counter({
      name: 'chatbridge_gateway_sockets_closed_total',
      help: 'Sockets closed by the gateway, by close code.',
      labelNames: ['code'],
      registers,
    }),
    chatsPolled: new Gauge({ name: 'chatbridge_gateway_chats_polled', help: 'Legacy chats being polled.', registers }),
    polls: new Counter({ name: 'chatbridge_gateway_polls_total', help: 'Legacy polls settled, by outcome and error code.', labelNames: ['outcome', 'code'], registers }),
    pollFailures: new Counter({
      name: 'chatbridge_gateway_poll_failures_total',
      help: 'Legacy polls failed, by error code.',
      labelNames: ['code'],
      registers,
    }),
    notificationsOut: new Counter({ name: 'chatbridge_gateway_notifications_out_total', help: 'Notifications sent to consumers.', registers }),
    abandonsDeferred: new Counter({ name: 'chatbridge_gateway_abandons_deferred_total', help: 'Abandon timers put off: the consumer had a socket on another process.', registers }),
    deliveryDelay,
    deliveries: new DeliveryDelay(deliveryDelay, now),
  }
}
