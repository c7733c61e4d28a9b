// The poll gate: at most `limit` polls in flight, the rest admitted in order; leaving a place in line or a slot; synchronous settling.
import { describe, expect, test } from 'vitest'
import { type GateTicket, PollGate } from '../src/poll-gate.js'

describe('PollGate', () => {
  test('admits up to the limit at once, then one per slot freed, in the order they came', () => {
    const gate = new PollGate(2)
    const started: number[] = []
    const tickets = Array.from({ length: 5 }, (_, i) => gate.enter({ send: () => started.push(i) }))
    expect(started).toEqual([0, 1])
    expect([gate.inFlight, gate.waiting]).toEqual([2, 3])
    tickets[1]?.leave()
    expect(started).toEqual([0, 1, 2])
    tickets[0]?.leave()
    tickets[2]?.leave()
    expect(started).toEqual([0, 1, 2, 3, 4])
    expect([gate.inFlight, gate.waiting]).toEqual([2, 0])
  })

  test('a poll that leaves its place in line is never started and holds no slot; leaving twice frees one slot', () => {
    const gate = new PollGate(1)
    const started: string[] = []
    const a = gate.enter({ send: () => started.push('a') })
    const b = gate.enter({ send: () => started.push('b') })
    const c = gate.enter({ send: () => started.push('c') })
    b.leave()
    expect(b.active).toBe(false)
    expect(gate.waiting).toBe(1)
    a.leave()
    a.leave()
    expect(started).toEqual(['a', 'c'])
    expect(gate.inFlight).toBe(1)
    expect(c.active).toBe(true)
  })

  test('a poll that settles inside its start frees its slot for the next, without recursion, and its ticket is left', () => {
    const gate = new PollGate(1)
    const started: number[] = []
    const tickets: GateTicket[] = []
    const blocker = gate.enter({ send: () => started.push(-1) })
    for (let i = 0; i < 10_000; i += 1) {
      tickets.push(
        gate.enter({
          send: (ticket) => {
            started.push(i)
            ticket.leave()
          },
        }),
      )
    }
    blocker.leave()
    expect(started).toHaveLength(10_001)
    expect(started.at(-1)).toBe(9999)
    expect(tickets.every((ticket) => !ticket.active)).toBe(true)
    expect([gate.inFlight, gate.waiting]).toEqual([0, 0])
  })
  test('a line emptied and filled again keeps admitting in order (the emptied line starts over)', () => {
    const gate = new PollGate(1)
    const started: string[] = []
    for (const round of ['a', 'b']) {
      const first = gate.enter({ send: () => started.push(`${round}1`) })
      const second = gate.enter({ send: () => started.push(`${round}2`) })
      expect(gate.waiting).toBe(1)
      first.leave()
      second.leave()
      expect([gate.inFlight, gate.waiting]).toEqual([0, 0])
    }
    expect(started).toEqual(['a1', 'a2', 'b1', 'b2'])
  })
})
