import { describe, expect, it } from 'vitest'
import { createGatewayMetrics } from '../src/gateway-metrics.js'
import { type RegisteredSocket, SocketRegistry } from '../src/socket-registry.js'

const socket = (): RegisteredSocket => ({ registeredAddress: undefined, registeredConsumer: undefined })

describe('SocketRegistry', () => {
  it('counts sockets per address and per consumer, and forgets them as they close', async () => {
    const metrics = createGatewayMetrics()
    const registry = new SocketRegistry(metrics)
    const [a, b, c] = [socket(), socket(), socket()]
    registry.add(a, '10.0.0.1')
    registry.add(b, '10.0.0.1')
    registry.add(c, '10.0.0.2')
    registry.bindConsumer(a, 'alice')
    registry.bindConsumer(b, 'alice')
    expect([registry.countAddress('10.0.0.1'), registry.countAddress('10.0.0.2'), registry.countConsumer('alice')]).toEqual([2, 1, 2])
    registry.remove(a)
    registry.remove(a)
    expect([registry.countAddress('10.0.0.1'), registry.countConsumer('alice')]).toEqual([1, 1])
    registry.remove(b)
    registry.remove(c)
    expect([registry.countAddress('10.0.0.1'), registry.countAddress('10.0.0.2'), registry.countConsumer('alice')]).toEqual([0, 0, 0])
    expect([...registry.sockets()]).toEqual([])
    expect((await metrics.registry.getSingleMetric('chatbridge_gateway_sockets_open')?.get())?.values[0]?.value).toBe(0)
  })

})
