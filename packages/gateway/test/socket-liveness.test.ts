import { describe, expect, test } from 'vitest'
import { CloseCode } from '../src/index.js'
import { authHeaders, connect, refusalStatus, signup, testGateway } from './support/gateway-client.js'
import type { TestClient } from './support/gateway-client.js'

const bearer = (jwt: string): { headers: Record<string, string> } => ({ headers: { authorization: `jwt ${jwt}` } })

async function closeAll(clients: readonly TestClient[]): Promise<void> {
  for (const client of clients) client.ws.close()
  await Promise.all(clients.map((client) => client.closed))
}

describe('idle and dead sockets', () => {
  test('no frame at all for idleTimeoutMs: close 4000; frames and pings keep a socket open', async () => {
    const gateway = await testGateway({ idleTimeoutMs: 300 })
    try {
      const jwt = await signup(gateway)
      const busy = await connect(gateway.wsUrl, bearer(jwt))
      const idle = await connect(gateway.wsUrl, bearer(jwt))
      const opened = Date.now()
      // The busy client speaks every 100 ms until the idle one is closed.
      let ticks = 0
      const keepAlive = setInterval(() => {
        ticks++
        if (ticks % 2 === 0) busy.ws.ping()
        else busy.ws.send(JSON.stringify({ kind: 'req', id: ticks, type: 'GetClock' }))
      }, 100)
      const closed = await idle.closed
      clearInterval(keepAlive)
      expect(closed.code).toBe(CloseCode.idle)
      expect(Date.now() - opened).toBeGreaterThanOrEqual(290)
      expect(busy.ws.readyState).toBe(busy.ws.OPEN)
      await closeAll([busy])
    } finally {
      await gateway.close()
    }
  })

  test('pings alone keep a socket open (clients that are not browsers keep alive so)', async () => {
    const gateway = await testGateway({ idleTimeoutMs: 300 })
    try {
      const jwt = await signup(gateway)
      // Opened first: without its pings it would be closed before the idle one.
      const pinging = await connect(gateway.wsUrl, bearer(jwt))
      const keepAlive = setInterval(() => pinging.ws.ping(), 100)
      const idle = await connect(gateway.wsUrl, bearer(jwt))
      expect((await idle.closed).code).toBe(CloseCode.idle)
      clearInterval(keepAlive)
      expect(pinging.ws.readyState).toBe(pinging.ws.OPEN)
      await closeAll([pinging])
    } finally {
      await gateway.close()
    }
  })

  test('a peer that stops answering pings is dropped', async () => {
    const gateway = await testGateway({ pingIntervalMs: 50 })
    try {
      const jwt = await signup(gateway)
      const dead = await connect(gateway.wsUrl, { ...bearer(jwt), autoPong: false })
      const alive = await connect(gateway.wsUrl, bearer(jwt))
      expect((await dead.closed).code).toBe(1006)
      expect(alive.ws.readyState).toBe(alive.ws.OPEN)
      expect(await gateway.metrics.registry.getSingleMetricAsString('chatbridge_gateway_sockets_closed_total')).toContain('code="dead"} 1')
      await closeAll([alive])
    } finally {
      await gateway.close()
    }
  })

  test('a socket without a successful InitConnection within authTimeoutMs: close 1008; one that authenticated stays', async () => {
    const gateway = await testGateway({ authTimeoutMs: 200 })
    try {
      const silent = await connect(gateway.wsUrl)
      const initialised = await connect(gateway.wsUrl)
      expect(await initialised.request(1, 'InitConnection', {}, authHeaders(await signup(gateway)))).toMatchObject({ code: 200 })
      expect((await silent.closed).code).toBe(CloseCode.policyViolation)
      expect(await initialised.request(2, 'GetClock')).toMatchObject({ code: 200 })
      await closeAll([initialised])
    } finally {
      await gateway.close()
    }
  })
})

describe('socket limits', () => {
  test('maxSocketsPerConsumer: the next upgrade with that token is 429, the next InitConnection closes 1008; another consumer is unaffected', async () => {
    const gateway = await testGateway({ maxSocketsPerConsumer: 2 })
    try {
      const jwt = await signup(gateway)
      const clients = [await connect(gateway.wsUrl, bearer(jwt)), await connect(gateway.wsUrl, bearer(jwt))]
      expect(await refusalStatus(gateway.wsUrl, bearer(jwt))).toBe(429)
      const late = await connect(gateway.wsUrl)
      late.ws.send(JSON.stringify({ kind: 'req', id: 1, type: 'InitConnection', headers: authHeaders(jwt) }))
      expect((await late.closed).code).toBe(CloseCode.policyViolation)
      const other = await connect(gateway.wsUrl, bearer(await signup(gateway)))
      expect(await gateway.metrics.registry.getSingleMetricAsString('chatbridge_gateway_consumers_connected')).toMatch(/ 2$/m)
      await closeAll([...clients, other])
    } finally {
      await gateway.close()
    }
  })

  test('maxSocketsPerAddress: the next upgrade is 429 until one closes', async () => {
    const gateway = await testGateway({ maxSocketsPerAddress: 2 })
    try {
      const clients = [await connect(gateway.wsUrl), await connect(gateway.wsUrl)]
      expect(await refusalStatus(gateway.wsUrl)).toBe(429)
      const first = clients.shift()
      first?.ws.close()
      await first?.closed
      clients.push(await connect(gateway.wsUrl))
      await closeAll(clients)
    } finally {
      await gateway.close()
    }
  })

  test('a consumer that does not read is closed 1013 once its buffer passes maxBufferedBytes', async () => {
    const gateway = await testGateway({ maxBufferedBytes: 256 * 1024 })
    try {
      const client = await connect(gateway.wsUrl, bearer(await signup(gateway)))
      client.ws.pause()
      client.ws.send(JSON.stringify({ kind: 'req', id: 1, type: 'test.Flood', body: { count: 2000, size: 16 * 1024 } }))
      // The gateway stops writing at the bound: far fewer than the 2000 frames are sent.
      await expect.poll(() => gateway.metrics.registry.getSingleMetricAsString('chatbridge_gateway_sockets_closed_total')).toContain('code="1013"} 1')
      const framesOut = (await gateway.metrics.framesOut.get()).values[0]?.value ?? 0
      expect(framesOut).toBeLessThan(2000)
      expect((await gateway.metrics.notificationsOut.get()).values[0]?.value).toBe(framesOut)
      client.ws.resume()
      expect((await client.closed).code).toBe(CloseCode.tryAgainLater)
    } finally {
      await gateway.close()
    }
  })
})

test('close() drains: open sockets close with 1001, new upgrades are refused, and it resolves', async () => {
  const gateway = await testGateway()
  const clients = [await connect(gateway.wsUrl, bearer(await signup(gateway))), await connect(gateway.wsUrl)]
  const url = gateway.wsUrl
  await gateway.close()
  expect((await Promise.all(clients.map((client) => client.closed))).map((closed) => closed.code)).toEqual([1001, 1001])
  expect(gateway.record.closed).toBe(2)
  await expect(connect(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
})
