// A token bucket's rule, shared by every bucket of one rate: the per-socket request limit, the per-address signup limit.

/** The state of a bucket that is full, whatever the clock. */
export const FULL_BUCKET = -Infinity

/**
 * Allows `burst` requests at once and `perSecond` sustained; time comes from `now` (epoch ms).
 * A bucket is one number its holder keeps, the time it is full again (a "theoretical arrival
 * time"): its tokens are `burst - (fullAt - now) × perSecond / 1000`, so a request is allowed while
 * one is left. One rule per rate and a number per holder, where an object per bucket cost a
 * socket ~110 bytes for its life.
 */
export class TokenRate {
  // Milliseconds a token takes to come back, and how far past now a bucket may be full and still give one.
  readonly #tokenMs: number
  readonly #toleranceMs: number
  readonly #now: () => number

  constructor(perSecond: number, burst: number, now: () => number) {
    this.#tokenMs = 1000 / perSecond
    this.#toleranceMs = (burst - 1) * this.#tokenMs
    this.#now = now
  }

  /** Takes one token of the bucket `fullAt` ({@link FULL_BUCKET} at first): its state after, or `undefined` when the request is over the rate. */
  take(fullAt: number): number | undefined {
    const now = this.#now()
    if (fullAt - now > this.#toleranceMs) return undefined
    return Math.max(fullAt, now) + this.#tokenMs
  }
}
