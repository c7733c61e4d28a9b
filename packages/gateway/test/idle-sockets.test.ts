import { expect, test } from 'vitest'
import { connect, signup, testGateway } from './support/gateway-client.js'
import type { TestClient } from './support/gateway-client.js'

// CI opens 1,000; CHATBRIDGE_GATEWAY_SOCKETS=10000 checks the figure the gateway is built for.
const count = Number(process.env['CHATBRIDGE_GATEWAY_SOCKETS'] ?? 1000)

test(`${count} idle authenticated sockets in one process stay up and still answer`, { timeout: 120_000 }, async () => {
  const gateway = await testGateway({ maxSocketsPerAddress: count + 1, maxSocketsPerConsumer: count + 1 })
  const clients: TestClient[] = []
  try {
    const headers = { authorization: `jwt ${await signup(gateway)}` }
    for (let opened = 0; opened < count; opened += 100) {
      clients.push(...(await Promise.all(Array.from({ length: Math.min(100, count - opened) }, () => connect(gateway.wsUrl, { headers })))))
    }
    expect(await gateway.metrics.socketsOpen.get()).toMatchObject({ values: [{ value: count }] })
    const sample = [clients[0], clients[Math.floor(count / 2)], clients[count - 1]]
    for (const client of sample) expect(await client?.request(1, 'GetClock')).toMatchObject({ code: 200 })
    expect(clients.every((client) => client.ws.readyState === client.ws.OPEN)).toBe(true)
  } finally {
    for (const client of clients) client.ws.terminate()
    await gateway.close()
  }
})
