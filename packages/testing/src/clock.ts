// The server's time source (Clock): the real clock and a manual one for deterministic tests.

/** A cancellable timer created by a {@link Clock}. */
export interface ClockTimer {
  /** Cancels the timer; calling it after the timer fired does nothing. */
  cancel(): void
}

/**
 * The time source of a server: every timeout, drop, agent timeline and latency fault runs on it,
 * so a test can replace it with a {@link ManualClock} instead of waiting for real time to pass.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  /** Runs `callback` once, `ms` milliseconds from now (on this clock). */
  setTimer(callback: () => void, ms: number): ClockTimer
}

/**
 * The real clock. It looks up `Date.now` and `setTimeout` at call time, so vitest fake timers
 * (`vi.useFakeTimers()`) drive it too. Its timers are unref'd: they never keep a process alive.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const handle = setTimeout(callback, Math.max(0, ms))
    handle.unref()
    return { cancel: () => clearTimeout(handle) }
  },
}

/** A clock that only moves when told to, for deterministic tests and recordings. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms` milliseconds, firing due timers in time order (synchronously). */
  advance(ms: number): void
  /** Number of timers scheduled and not yet fired or cancelled. */
  pendingTimers(): number
}

interface PendingTimer {
  readonly due: number
  readonly seq: number
  readonly callback: () => void
}

/**
 * Creates a {@link ManualClock} that starts at `startMs` (default 2017-02-27T11:24:15.424Z, the time
 * of the reference's example) and advances only through `advance(ms)`.
 */
export function createManualClock(startMs = Date.UTC(2017, 1, 27, 11, 24, 15, 424)): ManualClock {
  let now = startMs
  let seq = 0
  const timers = new Set<PendingTimer>()

  const nextDue = (limit: number): PendingTimer | undefined => {
    let best: PendingTimer | undefined
    for (const timer of timers) {
      if (timer.due > limit) continue
      if (best === undefined || timer.due < best.due || (timer.due === best.due && timer.seq < best.seq)) best = timer
    }
    return best
  }

  return {
    now: () => now,
    setTimer(callback, ms) {
      const timer: PendingTimer = { due: now + Math.max(0, ms), seq: seq++, callback }
      timers.add(timer)
      return { cancel: () => timers.delete(timer) }
    },
    advance(ms) {
      const target = now + ms
      // Timers scheduled by a firing callback still fire in this call when they fall due before `target`.
      for (let timer = nextDue(target); timer !== undefined; timer = nextDue(target)) {
        timers.delete(timer)
        now = timer.due
        timer.callback()
      }
      now = target
    },
    pendingTimers: () => timers.size,
  }
}
