import type { ConnectionOptions } from '../../src/connection-options.js'

/** Real timers, short intervals: integration tests run in well under a second per conversation. */
export const fastConfig: ConnectionOptions = {
  chattingIntervalMs: 10,
  waitingIntervalMs: 20,
  backoffBaseMs: 10,
  backoffMaxMs: 40,
  minKeepAliveMs: 20,
  lastSubscriberGraceMs: 5,
  reconcileWindowMs: 20,
}
