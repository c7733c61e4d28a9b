import { expect, test } from 'vitest'
import { CloseCode, GatewayError } from '../src/index.js'
import type { SessionContext, SessionFactory, SessionSink } from '../src/index.js'
import { accountId, connect, testGateway } from './support/gateway-client.js'

/** A factory that hands the test each session's sink and context, and tells it when the session closed. */
function capturingSessions(): SessionFactory & { opened: Promise<{ sink: SessionSink; context: SessionContext; closed: Promise<void> }> } {
  let resolveOpened: (value: { sink: SessionSink; context: SessionContext; closed: Promise<void> }) => void = () => undefined
  const opened = new Promise<{ sink: SessionSink; context: SessionContext; closed: Promise<void> }>((resolve) => (resolveOpened = resolve))
  return {
    opened,
    open(sink, context) {
      let closeSession: () => void = () => undefined
      const closed = new Promise<void>((resolve) => (closeSession = resolve))
      resolveOpened({ sink, context, closed })
      return { receive: () => undefined, close: () => closeSession() }
    },
  }
}

const consumersConnected = async (gateway: { metrics: { consumersConnected: { get(): Promise<{ values: { value: number }[] }> } } }): Promise<number> =>
  (await gateway.metrics.consumersConnected.get()).values[0]?.value ?? 0

test('onAuthenticated counts the consumer; one that arrives after the socket closed counts nothing', async () => {
  const sessions = capturingSessions()
  const gateway = await testGateway({ sessions })
  try {
    const client = await connect(gateway.wsUrl)
    const { context, closed } = await sessions.opened
    const identity = { consumerId: 'c-1', accountId, authenticated: false, expiresAt: Date.now() + 60_000 }
    context.onAuthenticated(identity)
    expect(await consumersConnected(gateway)).toBe(1)
    client.ws.terminate()
    await closed
    expect(await consumersConnected(gateway)).toBe(0)
    context.onAuthenticated(identity)
    expect(await consumersConnected(gateway)).toBe(0)
  } finally {
    await gateway.close()
  }
})

test("sink.error: a GatewayError's message is the close reason; any other error closes 1011 without reflecting its message", async () => {
  const errors: Error[] = []
  for (const [error, code, reason] of [
    [new GatewayError('E_TOKEN_INVALID', 'the consumer token was refused'), CloseCode.policyViolation, 'the consumer token was refused'],
    [new Error('db password is hunter2'), CloseCode.internalError, 'internal error'],
  ] as const) {
    const sessions = capturingSessions()
    const gateway = await testGateway({ sessions, onError: (caught) => errors.push(caught) })
    try {
      const client = await connect(gateway.wsUrl)
      const { sink } = await sessions.opened
      sink.error(error)
      expect(await client.closed).toEqual({ code, reason })
    } finally {
      await gateway.close()
    }
  }
  expect(errors.map((error) => error.message)).toEqual(['db password is hunter2'])
})
