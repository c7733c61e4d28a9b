// One timer for many deadlines: a min-heap of items by their next deadline, the process timer armed for the earliest.

/** An item with deadlines; the heap keeps `deadline` and `slot` (its place, -1 when out). @internal */
export interface Timed {
  deadline: number
  slot: number
  /** Its deadline passed: acts, and answers its next deadline (`Infinity`: none). */
  due(now: number): number
}

// setTimeout's longest delay; a later deadline is re-armed when it fires.
const maxDelayMs = 2 ** 31 - 1

/**
 * Deadlines of many items (the gateway's sockets: idle, authentication, token expiry) on one
 * timer rather than a timer each: an item is woken at its `deadline` at the earliest, and tells
 * the heap its next one; an item may hold a deadline earlier than it needs (a frame pushed its idle
 * deadline back): woken early, it answers the later one. Times are `clock()` milliseconds. @internal
 */
export class DeadlineHeap<T extends Timed> {
  readonly #items: T[] = []
  readonly #clock: () => number
  #timer: NodeJS.Timeout | undefined
  #armedFor = Infinity

  /** An empty heap on `clock` (monotonic milliseconds by default). */
  constructor(clock: () => number = () => performance.now()) {
    this.#clock = clock
  }

  /** The clock the deadlines are in. */
  now(): number {
    return this.#clock()
  }

  /** Wakes `item` at `deadline` (`Infinity`: never), in place of the deadline it had. */
  set(item: T, deadline: number): void {
    if (deadline === Infinity) return this.delete(item)
    const items = this.#items
    if (item.slot < 0 || items[item.slot] !== item) {
      item.slot = items.length
      items.push(item)
    }
    item.deadline = deadline
    this.#up(item.slot)
    this.#down(item.slot)
    this.#arm()
  }

  /** Forgets `item`; idempotent. */
  delete(item: T): void {
    const items = this.#items
    const slot = item.slot
    if (slot < 0 || items[slot] !== item) return
    item.slot = -1
    const last = items.pop()
    if (last !== undefined && last !== item) {
      items[slot] = last
      last.slot = slot
      this.#down(slot)
      this.#up(last.slot)
    }
    this.#arm()
  }

  /** Stops the timer and forgets every item. */
  close(): void {
    for (const item of this.#items) item.slot = -1
    this.#items.length = 0
    this.#arm()
  }

  #fire(): void {
    this.#timer = undefined
    this.#armedFor = Infinity
    const now = this.#clock()
    for (let top = this.#items[0]; top !== undefined && top.deadline <= now; top = this.#items[0]) {
      this.delete(top)
      const next = top.due(now)
      // A deadline not later than now would be woken again at once: the item is given a millisecond.
      if (next !== Infinity && top.slot < 0) this.set(top, Math.max(next, now + 1))
    }
    this.#arm()
  }

  #arm(): void {
    const first = this.#items[0]?.deadline ?? Infinity
    if (first === this.#armedFor) return
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#armedFor = first
    if (first === Infinity) return
    this.#timer = setTimeout(() => this.#fire(), Math.min(maxDelayMs, Math.max(0, Math.ceil(first - this.#clock()))))
  }

  #up(slot: number): void {
    const items = this.#items
    const item = items[slot]
    if (item === undefined) return
    while (slot > 0) {
      const parentSlot = (slot - 1) >> 1
      const parent = items[parentSlot]
      if (parent === undefined || parent.deadline <= item.deadline) break
      items[slot] = parent
      parent.slot = slot
      slot = parentSlot
    }
    items[slot] = item
    item.slot = slot
  }

  #down(slot: number): void {
    const items = this.#items
    const item = items[slot]
    if (item === undefined) return
    for (;;) {
      const left = 2 * slot + 1
      const right = left + 1
      let child = left
      const leftItem = items[left]
      if (leftItem === undefined) break
      const rightItem = items[right]
      if (rightItem !== undefined && rightItem.deadline < leftItem.deadline) child = right
      const chosen = items[child]
      if (chosen === undefined || chosen.deadline >= item.deadline) break
      items[slot] = chosen
      chosen.slot = slot
      slot = child
    }
    items[slot] = item
    item.slot = slot
  }
}
