// MemoryConversationRelay's presence: what the Connections (or gateway registries) sharing it mark, until the TTL runs out.
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { MemoryConversationRelay } from '../src/index.js'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

test('a consumer marked present has the rest of its TTL, then none', async () => {
  const relay = new MemoryConversationRelay()
  expect(await relay.presence('x')).toBe(0)
  await relay.markPresent(['x', 'y'], 1_000)
  vi.advanceTimersByTime(400)
  expect(await relay.presence('x')).toBe(600)
  expect(await relay.presence('y')).toBe(600)
  // Renewed: the TTL counts from the latest mark.
  await relay.markPresent(['x'], 1_000)
  vi.advanceTimersByTime(700)
  expect(await relay.presence('x')).toBe(300)
  expect(await relay.presence('y')).toBe(0)
  vi.advanceTimersByTime(300)
  expect(await relay.presence('x')).toBe(0)
})
