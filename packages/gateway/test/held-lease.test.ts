import { expect, test, vi } from 'vitest'
import type { Connection } from '@chatbridge/adapter'
import { HeldLease, type LeasedEntry } from '../src/consumer-lease.js'
import { type RegisteredSocket, SocketRegistry } from '../src/socket-registry.js'
import { createGatewayMetrics } from '../src/gateway-metrics.js'

const entry: LeasedEntry = { consumerId: 'c-1', connection: {} as Connection, owned: ['conv-1'], ready: Promise.resolve() }

test('a held lease reads its entry and hands every call to its host once; release is idempotent', async () => {
  const host = { request: vi.fn(() => Promise.resolve({ conversationId: 'conv-2' })), closed: vi.fn(), released: vi.fn() }
  const lease = new HeldLease(entry, host)
  expect([lease.consumerId, lease.connection, lease.ready]).toEqual([entry.consumerId, entry.connection, entry.ready])
  expect([lease.owns('conv-1'), lease.owns('conv-9')]).toEqual([true, false])
  const next = (): Promise<{ conversationId: string }> => Promise.resolve({ conversationId: 'x' })
  expect(await lease.requestConversation({}, next)).toEqual({ conversationId: 'conv-2' })
  expect(host.request).toHaveBeenCalledWith(entry, {}, next)
  lease.closed('conv-1')
  expect(host.closed).toHaveBeenCalledWith(entry, 'conv-1')
  lease.release()
  lease.release()
  expect(host.released).toHaveBeenCalledTimes(1)
})

test('the socket registry counts sockets per consumer, moving a rebound one and forgetting a closed one', () => {
  const registry = new SocketRegistry<RegisteredSocket>(createGatewayMetrics())
  const [a, b] = [{ registeredAddress: undefined, registeredConsumer: undefined, registeredSlot: -1 }, { registeredAddress: undefined, registeredConsumer: undefined, registeredSlot: -1 }]
  registry.add(a, 'addr')
  registry.add(b, 'addr')
  registry.bindConsumer(a, 'alice')
  registry.bindConsumer(b, 'alice')
  registry.bindConsumer(b, 'alice')
  expect([registry.countConsumer('alice'), registry.countAddress('addr')]).toEqual([2, 2])
  registry.bindConsumer(b, 'bob')
  expect([registry.countConsumer('alice'), registry.countConsumer('bob')]).toEqual([1, 1])
  registry.remove(a)
  registry.remove(b)
  expect([registry.countConsumer('alice'), registry.countConsumer('bob'), registry.countAddress('addr')]).toEqual([0, 0, 0])
})
