import { describe, expect, it } from 'vitest'
import { createGatewayMetrics } from '../src/gateway-metrics.js'
import { type RegisteredSocket, SocketRegistry } from '../src/socket-registry.js'

const socket = (): RegisteredSocket => ({ registeredAddress: undefined, registeredConsumer: undefined, registeredSlot: -1 })

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

  it('lists every open socket once, whichever closed: first, middle or last; added twice counts once; the list is a copy', () => {
    const registry = new SocketRegistry(createGatewayMetrics())
    const sockets = Array.from({ length: 6 }, () => socket())
    for (const open of sockets) registry.add(open, '10.0.0.1')
    registry.add(sockets[0]!, '10.0.0.1')
    const listed = registry.sockets()
    for (const closing of [sockets[2]!, sockets[0]!, sockets[5]!]) registry.remove(closing)
    expect(listed).toHaveLength(6)
    expect(new Set(registry.sockets())).toEqual(new Set([sockets[1], sockets[3], sockets[4]]))
    expect(registry.sockets()).toHaveLength(3)
    expect(registry.countAddress('10.0.0.1')).toBe(3)
    for (const open of registry.sockets()) registry.remove(open)
    expect(registry.sockets()).toEqual([])
    expect(sockets.map((closed) => closed.registeredSlot)).toEqual([-1, -1, -1, -1, -1, -1])
  })

})
