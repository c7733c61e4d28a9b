// The failover schedule a seed decides (pure): where each consumer starts, when the victim is
// killed, what happens during the outage, when it restarts, where and when each orphan reconnects.

/** One seeded failover run. */
export interface FailoverSchedule {
  readonly seed: number
  /** The process (0..processes-1) each consumer starts on. */
  readonly startOn: readonly number[]
  /** The process killed with SIGKILL; it carries at least one consumer. */
  readonly victim: number
  /** Visitor/agent exchanges before the kill (round-robin over the consumers). */
  readonly exchangesBeforeKill: number
  /** Per consumer: the agent says a line while the victim is dead and its chats not yet taken over. */
  readonly agentLineInOutage: readonly boolean[]
  /** The victim is started again at once, during the failover (else after it). */
  readonly restartDuringOutage: boolean
  /** Per consumer: the survivor it reconnects to if orphaned (its own process otherwise). */
  readonly reconnectTo: readonly number[]
  /**
   * Per consumer: orphaned, it stays away until its chat was taken over (polled by another process),
   * so only the orphan sweep can keep the chat alive; it then reconnects to whichever process took it.
   */
  readonly reconnectLate: readonly boolean[]
}

/** mulberry32: a small, well-known seeded generator in [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The schedule of `seed` for `consumers` consumers on `processes` gateway processes. */
export function failoverSchedule(seed: number, consumers: number, processes: number): FailoverSchedule {
  const next = random(seed)
  const pick = (n: number): number => Math.floor(next() * n)
  const startOn = Array.from({ length: consumers }, () => pick(processes))
  const victim = startOn[pick(consumers)] ?? 0
  const exchangesBeforeKill = 1 + pick(consumers * 2)
  const agentLineInOutage = startOn.map(() => next() < 0.5)
  const restartDuringOutage = next() < 0.5
  const survivors = Array.from({ length: processes }, (_, i) => i).filter((i) => i !== victim)
  const reconnectTo = startOn.map((on) => (on === victim ? (survivors[pick(survivors.length)] ?? 0) : on))
  // Drawn last, so the fields above are what they were for every seed before this one existed.
  const reconnectLate = startOn.map((on) => on === victim && next() < 0.5)
  return { seed, startOn, victim, exchangesBeforeKill, agentLineInOutage, restartDuringOutage, reconnectTo, reconnectLate }
}
