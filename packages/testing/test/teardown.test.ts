import { describe, expect, it } from 'vitest'
import { createManualClock, startLegacyChatServer } from '../src/index.js'
import { visitor } from './helpers.js'

describe('close()', () => {
  it('cancels every timer, destroys sockets, rejects pending waits, and stops listening', async () => {
    const clock = createManualClock()
    const server = await startLegacyChatServer({ clock, agent: [{ after: { ms: 10_000 }, do: 'accept', agent: { name: 'A', id: 1 } }] })
    const v = visitor(server)
    const uri = await v.startChat()
    const chat = await server.nextChat()
    await v.post(`${uri}/events`, v.ended()) // an ended chat has a drop timer
    await v.startChat() // a live chat has a timeout timer and a timeline timer
    server.faults.add({ route: 'info', fault: { kind: 'latency', ms: 60_000 } })
    const stuck = v.get(`${uri}/info`)
    await server.requests.waitFor((entry) => entry.route === 'info')
    expect(clock.pendingTimers()).toBeGreaterThanOrEqual(4)
    // Settle handlers go on before close(), which rejects these.
    const waits = Promise.allSettled([server.nextChat(), server.nextChat(), server.requests.waitFor(() => false)])
    const stuckOutcome = stuck.then(() => 'answered', () => 'failed')
    await server.close()
    expect(clock.pendingTimers()).toBe(0)
    expect(await stuckOutcome).toBe('failed')
    expect(chat.dropped).toBe(false)
    const [second, third, never] = await waits
    expect(second?.status).toBe('fulfilled')
    expect(third?.status).toBe('rejected')
    expect(never?.status).toBe('rejected')
    await expect(fetch(`${server.accountRoot}/chat/availability?v=1&appKey=${server.appKey}`)).rejects.toThrow()
    // close() is idempotent.
    await server.close()
  })
})
