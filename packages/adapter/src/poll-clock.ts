// The process-wide poll clock: a SchedulerLike whose pending actions all sit in one min-heap behind one Node timer.
import { type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs'

/** What the heap orders: when an action is due, in which order it was scheduled, and its slot. */
interface Pending {
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
class ClockAction<T> extends Subscription implements SchedulerAction<T>, Pending {
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

/** What a {@link ClockTimer} calls when it is due. @internal */
export interface TimerTarget {
  fire(): void
}

/**
 * One owner's timer on a clock, armed again and again: a poll loop's wait costs no action object,
 * no `Subscription`, per poll. At most one pending firing; arming again moves it.
 *
 * @internal
 */
export class ClockTimer implements Pending {
  due = 0
  seq = 0
  index = -1

  constructor(
    readonly clock: PollClock,
    readonly target: TimerTarget,
  ) {}

  /** Fires `delay` ms from now (instead of when it was due, if it was pending). */
  arm(delay: number): void {
    this.clock.enqueue(this, delay)
  }

  /** Takes the pending firing out, if any. */
  cancel(): void {
    this.clock.dequeue(this)
  }

  run(): void {
    this.target.fire()
  }
}

/**
 * A `SchedulerLike` for many timers at once: every `schedule` goes into one min-heap of due times
 * (ties in scheduling order), and one Node timer is armed for the earliest. `now()` is
 * `Date.now()`. An action scheduled from inside a due action runs at the next wake-up at the
 * earliest, never in the same one, so a self-rescheduling action cannot starve I/O. An action that
 * throws does not stop the others due with it: they run, then the first error is rethrown from the
 * timer callback (where `asyncScheduler` would throw it too). The timer is not unref'd: a pending
 * poll keeps the process alive, as with `asyncScheduler`; with nothing pending no timer is armed.
 *
 * @internal
 */
export class PollClock implements SchedulerLike {
  private readonly heap: Pending[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private timerAt = Number.POSITIVE_INFINITY
  private seq = 0

  now(): number {
    return Date.now()
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new ClockAction<T>(this, work).schedule(state, delay)
  }

  /** How many actions are pending (for tests and metrics). */
  get pending(): number {
    return this.heap.length
  }

  /** @internal Puts (or moves) `action` at `delay` from now. */
  enqueue(entry: Pending, delay: number): void {
    if (entry.index >= 0) this.removeAt(entry.index)
    entry.due = this.now() + (Number.isFinite(delay) && delay > 0 ? delay : 0)
    entry.seq = this.seq++
    entry.index = this.heap.length
    this.heap.push(entry)
    this.up(entry.index)
    this.arm()
  }

  /** @internal Takes `action` out of the heap, if pending. */
  dequeue(entry: Pending): void {
    if (entry.index < 0) return
    this.removeAt(entry.index)
    if (this.heap.length === 0) this.disarm()
  }

  private readonly wake = (): void => {
    this.timer = undefined
    this.timerAt = Number.POSITIVE_INFINITY
    const now = this.now()
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
    if (this.timer !== undefined && this.timerAt <= top.due && this.timerAt > this.now() - LOST_TIMER_MS) return
    this.disarm()
    this.timerAt = top.due
    this.timer = setTimeout(this.wake, Math.max(0, top.due - this.now()))
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

/** How overdue the armed timer must be before it is taken for lost. */
const LOST_TIMER_MS = 1000

function before(a: Pending, b: Pending): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq)
}

/**
 * The process's one poll clock: the default scheduler of every `Connection`, so 10,000 chats wait
 * on one Node timer rather than 10,000.
 *
 * @internal
 */
export const pollClock: PollClock = new PollClock()
