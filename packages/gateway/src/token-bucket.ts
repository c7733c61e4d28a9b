// A token bucket: the per-socket request rate limit.

/** Allows `burst` requests at once and `perSecond` sustained; time comes from `now` (epoch ms). */
export class TokenBucket {
  #tokens: number
  #last: number
  readonly #perMs: number
  readonly #burst: number
  readonly #now: () => number

  /** A full bucket. */
  constructor(perSecond: number, burst: number, now: () => number) {
    this.#perMs = perSecond / 1000
    this.#burst = burst
    this.#tokens = burst
    this.#now = now
    this.#last = now()
  }

  /** Takes one token; false when the bucket is empty (the request is over the rate). */
  take(): boolean {
    const now = this.#now()
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs)
    this.#last = now
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}
