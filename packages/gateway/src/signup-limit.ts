// The signup rate per client address: a token bucket each, in a bounded map, and which address a request is from.
import { isIP } from 'node:net'
import { FULL_BUCKET, TokenRate } from './token-bucket.js'

/** How fast one address may sign up, and how many addresses are remembered. */
export interface SignupLimitOptions {
  /** Sustained signups per second per address. */
  readonly perSecond: number
  /** Signups an address may make at once before the rate applies. */
  readonly burst: number
  /** Addresses remembered; past it the least recently seen is forgotten (its bucket starts full again). */
  readonly maxAddresses: number
  readonly now: () => number
}

/**
 * The signup limit of every client address. Memory is bounded by `maxAddresses`, whatever the
 * number of distinct addresses: a flood of fresh addresses pushes out the least recently seen
 * ones (a Map keeps insertion order; a hit re-inserts its key), which at worst gives a forgotten
 * address a fresh burst — never memory growth.
 */
export class SignupLimit {
  // Each address's bucket: when it is full again (see TokenRate).
  readonly #buckets = new Map<string, number>()
  readonly #options: SignupLimitOptions
  readonly #rate: TokenRate

  constructor(options: SignupLimitOptions) {
    this.#options = options
    this.#rate = new TokenRate(options.perSecond, options.burst, options.now)
  }

  /** Takes one signup of `address`; false when it is over its rate. */
  take(address: string): boolean {
    const bucket = this.#buckets.get(address)
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#options.maxAddresses) {
        const oldest = this.#buckets.keys().next()
        if (oldest.done !== true) this.#buckets.delete(oldest.value)
      }
    } else {
      this.#buckets.delete(address)
    }
    const next = this.#rate.take(bucket ?? FULL_BUCKET)
    this.#buckets.set(address, next ?? bucket ?? FULL_BUCKET)
    return next !== undefined
  }

  /** Seconds until an address over its rate has a signup again (for `Retry-After`). */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(1 / this.#options.perSecond))
  }

  /** Addresses remembered now. */
  get size(): number {
    return this.#buckets.size
  }
}

/**
 * The client address of a request. `X-Forwarded-For` is believed only when the direct peer is one
 * of `trustedProxies` (anyone can send the header); then the rightmost entry that is not itself a
 * trusted proxy is the client, since entries left of it were written by the client and can be forged.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: readonly string[]): string {
  const direct = peer ?? 'unknown'
  if (forwardedFor === undefined || !trustedProxies.includes(direct)) return direct
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map((hop) => hop.trim())
  let client = direct
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? ''
    if (isIP(hop) === 0) break
    client = hop
    if (!trustedProxies.includes(hop)) break
  }
  return client
}
