// What `startGateway({ legacy })` runs behind its sockets: one legacy client, the consumer registry, the sessions.
import type { ConversationRelay, ConversationStore } from '@chatbridge/adapter'
import { LegacyChatClient } from '@chatbridge/core'
import { ConsumerRegistry } from './consumer-registry.js'
import { GatewayError } from './gateway-error.js'
import type { GatewayMetrics } from './gateway-metrics.js'
import type { LegacyTarget } from './gateway-options.js'
import { legacySessions } from './legacy-sessions.js'
import type { SessionFactory } from './session-port.js'

/** The engine of a gateway on a legacy account. */
export interface LegacyEngine {
  /** The sessions the gateway's sockets open. */
  readonly sessions: SessionFactory
  /** The consumers' conversations. */
  readonly registry: ConsumerRegistry
  /** Closes every consumer's connection, then the client. */
  close(): Promise<void>
}

/** Builds the engine for `target`; throws `E_GATEWAY_OPTIONS` when the client refuses its options. */
export function legacyEngine(
  target: LegacyTarget,
  options: {
    readonly abandonAfterMs: number
    readonly metrics: GatewayMetrics
    readonly store?: ConversationStore | undefined
    readonly relay?: ConversationRelay | undefined
    readonly onError?: (error: Error) => void
  },
): LegacyEngine {
  let client: LegacyChatClient
  try {
    client = new LegacyChatClient({ ...target.clientOptions, accountRoot: target.accountRoot, appKey: target.appKey, format: target.format ?? 'json' })
  } catch (error) {
    // Core's messages name the option at fault and never hold the app key.
    const why = error instanceof Error ? error.message : String(error)
    throw new GatewayError('E_GATEWAY_OPTIONS', `legacy could not be used: ${why}; e.g. startGateway({ accountId, legacy: { accountRoot, appKey } })`, {
      cause: error,
    })
  }
  const registry = new ConsumerRegistry({
    client,
    abandonAfterMs: options.abandonAfterMs,
    metrics: options.metrics,
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.relay === undefined ? {} : { relay: options.relay }),
    // Every poll feeds `polls` and the delivery delay, then whatever onPoll the caller gave.
    connection: {
      ...target.connection,
      onPoll: (report) => {
        options.metrics.polls.inc({ outcome: report.outcome, code: report.code ?? '' })
        options.metrics.deliveries.polled(report)
        target.connection?.onPoll?.(report)
      },
    },
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  })
  return {
    sessions: legacySessions({ registry, ...(options.onError === undefined ? {} : { onError: options.onError }) }),
    registry,
    close: async () => {
      await registry.close()
      await client.close()
    },
  }
}
