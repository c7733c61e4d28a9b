// The poll gate: at most `limit` polls of one connection in flight; the others wait their turn here, in order, before their request (and its timeout) starts.

/**
 * A place in the gate: `leave()` takes a waiting poll out of the line, or frees the slot of a
 * started one (once the request settled or was cancelled). Idempotent.
 */
export interface GateTicket {
  /** Still waiting or running (not left yet). */
  readonly active: boolean
  leave(): void
}

/** Who waits in the gate: told to start, with its ticket, once a slot is free (a method: a poll loop keeps no callback for it). */
export interface GateEntrant {
  send(ticket: GateTicket): void
}

// A ticket is its own place in line: one object per poll, its steps on the prototype (no closures).
class Ticket implements GateTicket {
  // 0 waiting, 1 running, 2 left.
  state = 0

  constructor(
    readonly gate: PollGate,
    readonly entrant: GateEntrant,
  ) {}

  get active(): boolean {
    return this.state !== 2
  }

  leave(): void {
    const state = this.state
    this.state = 2
    if (state === 1) this.gate.freed()
  }
}

/**
 * Admission of polls into the HTTP client. Without it, every chat of a saturated process has its
 * request queued in the client's connection pool, where its whole-request timeout is already
 * running (Little's law: 10,000 queued requests at 900 answers/s wait 11 s, past the 10 s
 * default): requests time out before they are sent, and undici destroys the connection a request
 * aborted while queued is handed to, so each timeout also costs a reconnect — a spiral in which
 * the process spends its CPU on sockets and error stacks instead of polls. Behind the gate a late
 * poll waits in a plain FIFO (no timer, no signal), and only `limit` requests are ever in the pool.
 *
 * @internal
 */
export class PollGate {
  private running = 0
  // Started tickets are cleared from it, so the line holds no poll once it started.
  private readonly line: (Ticket | undefined)[] = []
  private head = 0
  private draining = false

  constructor(readonly limit: number) {}

  /** Polls in flight (for tests and metrics). */
  get inFlight(): number {
    return this.running
  }

  /** Polls waiting for a slot (for tests and metrics). */
  get waiting(): number {
    let count = 0
    for (let i = this.head; i < this.line.length; i += 1) if (this.line[i]?.state === 0) count += 1
    return count
  }

  /**
   * Calls `entrant.send` with the ticket once a slot is free — now, if one is. Every ticket must be
   * left: after the request settles, or to give up the place in line.
   */
  enter(entrant: GateEntrant): GateTicket {
    const ticket = new Ticket(this, entrant)
    this.line.push(ticket)
    this.drain()
    return ticket
  }

  /** A running ticket left: its slot is free. @internal */
  freed(): void {
    this.running -= 1
    this.drain()
  }

  // Starts waiters while slots are free. A poll that settles synchronously (a supplier that throws)
  // leaves from inside its start: the loop, not recursion, admits the next one.
  private drain(): void {
    if (this.draining) return
    this.draining = true
    try {
      while (this.running < this.limit && this.head < this.line.length) {
        const ticket = this.line[this.head]
        this.line[this.head] = undefined
        this.head += 1
        if (ticket === undefined || ticket.state !== 0) continue
        ticket.state = 1
        this.running += 1
        ticket.entrant.send(ticket)
      }
    } finally {
      this.draining = false
      // An emptied line starts over (its array freed: a connection of one chat would otherwise keep
      // 1,024 spent slots); a consumed front is dropped in one go once it is most of the array.
      if (this.head === this.line.length) {
        this.line.length = 0
        this.head = 0
      } else if (this.head > 1024 && this.head * 2 > this.line.length) {
        this.line.splice(0, this.head)
        this.head = 0
      }
    }
  }
}
