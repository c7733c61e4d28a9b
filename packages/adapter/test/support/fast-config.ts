import type { ConnectionConfig } from '../../src/connection-config.js'

/** Real timers, short intervals: integration tests run in well under a second per conversation. */
export const fastConfig: ConnectionConfig = {
  chattingIntervalMs: 10,
  waitingIntervalMs: 20,
  backoffBaseMs: 10,
  backoffMaxMs: 40,
  minKeepAliveMs: 20,
  lastSubscriberGraceMs: 5,
  reconcileWindowMs: 20,
}
