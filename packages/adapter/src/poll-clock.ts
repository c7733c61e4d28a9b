// The process-wide poll clock: a SchedulerLike whose pending actions all sit in one min-heap behind one Node timer.
import { type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs'

/**
 * What a {@link PollClock}'s heap orders: when an entry is due (in the clock's {@link PollClock.elapsed}
 * time), in which order it was scheduled, and its slot there (-1 when not pending). A poll loop is its
 * own entry, armed again for each wait: it costs no timer object, no `Subscription`, per chat.
 *
 * @internal
 */
export interface ClockEntry {
  due: number
  seq: number
  index: number
  run(): void
}

/**
 * One pending (or running) piece of work. It sits in its clock's heap at most once: `index` is its
 * slot there (-1 when not pending), so cancelling and rescheduling are O(log n), with no stale
 * entries left behind for the timer to wake up for.
 */
class ClockAction<T> extends Subscription implements SchedulerAction<T>, ClockEntry {
  due = 0
  seq = 0
  index = -1
  private state: T | undefined

  constructor(
    private readonly clock: PollClock,
    private readonly work: (this: SchedulerAction<T>, state?: T) => void,
  ) {
    super()
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this
    this.state = state
    this.clock.enqueue(this, delay)
    return this
  }

  /** Runs the work; an action that did not reschedule itself is done (as RxJS's own actions). */
  run(): void {
    try {
      this.work(this.state)
    } finally {
      if (this.index < 0) super.unsubscribe()
    }
  }

  override unsubscribe(): void {
    if (this.closed) return
    this.clock.dequeue(this)
    super.unsubscribe()
  }
}

/**
 * A `SchedulerLike` for many timers at once: every `schedule` goes into one min-heap of due times
 * (ties in scheduling order), and one Node timer is armed for the earliest. `now()` is
 * `Date.now()`; due times are kept as {@link elapsed} time, milliseconds since the clock was made,
 * and whole: V8 keeps a small integer in the entry itself, where an epoch time cost every pending
 * entry a 16-byte heap number (past 24.8 days of uptime they are heap numbers again, no less
 * exact). An action scheduled from inside a due action runs at the next wake-up at the
 * earliest, never in the same one, so a self-rescheduling action cannot starve I/O. An action that
 * throws does not stop the others due with it: they run, then the first error is rethrown from the
 * timer callback (where `asyncScheduler` would throw it too). The timer is not unref'd: a pending
 * poll keeps the process alive, as with `asyncScheduler`; with nothing pending no timer is armed.
 *
 * @internal
 */
export class PollClock implements SchedulerLike {
  private readonly heap: ClockEntry[] = []
  private readonly base = Date.now()
  private timer: ReturnType<typeof setTimeout> | undefined
  private timerAt = Number.POSITIVE_INFINITY
  private seq = 0

  now(): number {
    return Date.now()
  }

  /** Milliseconds since the clock was made: the time its entries' `due` is in. */
  elapsed(): number {
    // Rounded, though whole already: V8 makes the difference of two epoch times a heap number, and
    // one stored in a field makes that field a heap number in every object of its shape.
    return Math.round(Date.now() - this.base)
  }

  /** The `now()` time of `elapsed` (an {@link elapsed} time). */
  timeAt(elapsed: number): number {
    return this.base + elapsed
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new ClockAction<T>(this, work).schedule(state, delay)
  }

  /** How many actions are pending (for tests and metrics). */
  get pending(): number {
    return this.heap.length
  }

  /** @internal Puts (or moves) `entry` at `delay` from now (a fraction of a millisecond rounded up). */
  enqueue(entry: ClockEntry, delay: number): void {
    if (entry.index >= 0) this.removeAt(entry.index)
    entry.due = this.elapsed() + (Number.isFinite(delay) && delay > 0 ? Math.ceil(delay) : 0)
    entry.seq = this.seq++
    entry.index = this.heap.length
    this.heap.push(entry)
    this.up(entry.index)
    this.arm()
  }

  /** @internal Takes `entry` out of the heap, if pending. */
  dequeue(entry: ClockEntry): void {
    if (entry.index < 0) return
    this.removeAt(entry.index)
    if (this.heap.length === 0) this.disarm()
  }

  private readonly wake = (): void => {
    this.timer = undefined
    this.timerAt = Number.POSITIVE_INFINITY
    const now = this.elapsed()
    // Actions scheduled from now on (by the work run below) wait for the next wake-up.
    const limit = this.seq
    let failed = false
    let failure: unknown
    for (let top = this.heap[0]; top !== undefined && top.due <= now && top.seq < limit; top = this.heap[0]) {
      this.removeAt(0)
      try {
        top.run()
      } catch (error) {
        if (!failed) failure = error
        failed = true
      }
    }
    this.arm()
    if (failed) throw failure
  }

  private arm(): void {
    const top = this.heap[0]
    if (top === undefined) return this.disarm()
    // A timer armed for earlier than the top wakes up, finds nothing due, and re-arms: harmless.
    // One long overdue is taken for lost (armed under fake timers since uninstalled, say) and
    // replaced, so the shared clock cannot stall for good.
    const now = this.elapsed()
    if (this.timer !== undefined && this.timerAt <= top.due && this.timerAt > now - LOST_TIMER_MS) return
    this.disarm()
    this.timerAt = top.due
    this.timer = setTimeout(this.wake, Math.max(0, top.due - now))
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.timerAt = Number.POSITIVE_INFINITY
  }

  private removeAt(index: number): void {
    const heap = this.heap
    const removed = heap[index]
    const last = heap.pop()
    if (removed !== undefined) removed.index = -1
    if (last === undefined || last === removed) return
    heap[index] = last
    last.index = index
    this.down(index)
    this.up(last.index)
  }

  private up(index: number): void {
    const heap = this.heap
    const entry = heap[index]
    if (entry === undefined) return
    let i = index
    while (i > 0) {
      const parentIndex = (i - 1) >> 1
      const parent = heap[parentIndex]
      if (parent === undefined || !before(entry, parent)) break
      heap[i] = parent
      parent.index = i
      i = parentIndex
    }
    heap[i] = entry
    entry.index = i
  }

  private down(index: number): void {
    const heap = this.heap
    const entry = heap[index]
    if (entry === undefined) return
    let i = index
    for (;;) {
      const leftIndex = 2 * i + 1
      if (leftIndex >= heap.length) break
      const left = heap[leftIndex]
      const right = heap[leftIndex + 1]
      let childIndex = leftIndex
      let child = left
      if (right !== undefined && left !== undefined && before(right, left)) {
        childIndex = leftIndex + 1
        child = right
      }
      if (child === undefined || !before(child, entry)) break
      heap[i] = child
      child.index = i
      i = childIndex
    }
    heap[i] = entry
    entry.index = i
  }
}

/**
 * `scheduler`'s time as a poll loop keeps it: a {@link PollClock}'s elapsed time (a small integer,
 * see there), another scheduler's `now()`.
 *
 * @internal
 */
export function loopTimeOf(scheduler: SchedulerLike): number {
  return scheduler instanceof PollClock ? scheduler.elapsed() : scheduler.now()
}

/** The `now()` time of `loopTime` (see {@link loopTimeOf}). @internal */
export function schedulerTimeOf(scheduler: SchedulerLike, loopTime: number): number {
  return scheduler instanceof PollClock ? scheduler.timeAt(loopTime) : loopTime
}

/** How overdue the armed timer must be before it is taken for lost. */
const LOST_TIMER_MS = 1000

function before(a: ClockEntry, b: ClockEntry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq)
}

/**
 * The process's one poll clock: the default scheduler of every `Connection`, so 10,000 chats wait
 * on one Node timer rather than 10,000.
 *
 * @internal
 */
export const pollClock: PollClock = new PollClock()
