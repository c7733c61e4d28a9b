// Injected failures (Fault, FaultRule) and the per-server injector that picks the faults of each request.
import type { IncomingHttpHeaders } from 'node:http'
import type { RandomSource } from './random.js'
import { randomSeed, seededRandom } from './random.js'
import type { RouteName } from './router.js'

/** A failure the server can inject instead of (or on top of) the normal answer. */
export type Fault =
  /** Answers `status` with the service's error body; nothing is applied. `retryAfterS` adds `Retry-After`. */
  | {
      readonly kind: 'status'
      readonly status: number
      readonly message?: string
      /** Default 0. */
      readonly internalCode?: number
      /** `Retry-After` in seconds. Default: no header. */
      readonly retryAfterS?: number
    }
  /** Delays the request by `ms` on the server's clock, then handles it normally (combines with one other fault). */
  | { readonly kind: 'latency'; readonly ms: number }
  /** Resets the connection before the request is applied. */
  | { readonly kind: 'reset-before' }
  /** Applies the request, then resets the connection instead of answering: the ambiguous failure. */
  | { readonly kind: 'reset-after' }
  /** Applies the request, sends the headers and half the body (`Content-Length` promises all of it), then closes. */
  | { readonly kind: 'truncate' }
  /** Applies the request and answers with a body that is not well-formed in the negotiated format. */
  | { readonly kind: 'malformed' }
  /** Applies the request and answers with this `Content-Type` instead of the right one. */
  | { readonly kind: 'content-type'; readonly value: string }
  /** Applies the request and answers with a body padded with whitespace to `bytes` bytes. */
  | { readonly kind: 'oversize'; readonly bytes: number }

/** The kinds of {@link Fault}. */
export type FaultKind = Fault['kind']

/** What a fault rule's `when` predicate sees of a request. */
export interface FaultRequest {
  /** The effective method (after `X-HTTP-Method-Override`). */
  readonly method: string
  readonly route: RouteName
  readonly chatId: string | undefined
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  /** The parsed request body (JSON or XML mapping), `undefined` when empty or unparseable. */
  readonly body: unknown
}

/**
 * Which requests get a fault. All given conditions must hold; then `skip`, `probability` and
 * `times` decide, in that order.
 */
export interface FaultRule {
  /** Only these routes. Default: all. */
  readonly route?: RouteName | readonly RouteName[]
  /** Only this effective method (`GET`, `POST`, `PUT`). Default: all. */
  readonly method?: string
  /** Only requests for which this returns true. */
  readonly when?: (request: FaultRequest) => boolean
  /** Let this many matching requests through before the fault applies. Default 0. */
  readonly skip?: number
  /** Apply at most this many times. Default: unlimited. */
  readonly times?: number
  /** Apply to each matching request with this probability (0–1). Default 1. */
  readonly probability?: number
  /** Seed of the probability draws, for a reproducible sequence. Default: random. */
  readonly seed?: number
  readonly fault: Fault
}

/** An installed rule. */
export interface FaultHandle {
  /** How many times the fault was applied. */
  readonly hits: number
  /** Uninstalls the rule. */
  remove(): void
}

/** The faults to apply to one request: at most one latency and one other fault. */
export interface FaultPlan {
  readonly latencyMs: number
  readonly fault: Exclude<Fault, { kind: 'latency' }> | undefined
}

/** Installs fault rules on a server and picks the faults of each request. */
export interface FaultControl {
  /** Installs a rule (after the existing ones; the first matching rule of each sort wins). */
  add(rule: FaultRule): FaultHandle
  /** Removes every rule. */
  clear(): void
}

interface InstalledRule {
  readonly rule: FaultRule
  readonly random: RandomSource
  seen: number
  hits: number
}

/** The fault rules of one server. */
export class FaultInjector implements FaultControl {
  #rules: InstalledRule[] = []

  add(rule: FaultRule): FaultHandle {
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
      throw new RangeError(`probability must be between 0 and 1, got ${rule.probability}`)
    }
    const installed: InstalledRule = { rule, random: seededRandom(rule.seed ?? randomSeed()), seen: 0, hits: 0 }
    this.#rules.push(installed)
    return {
      get hits() {
        return installed.hits
      },
      remove: () => {
        this.#rules = this.#rules.filter((r) => r !== installed)
      },
    }
  }

  clear(): void {
    this.#rules = []
  }

  /** Decides the faults of `request`, counting the rules' hits. */
  plan(request: FaultRequest): FaultPlan {
    let latencyMs = 0
    let fault: FaultPlan['fault']
    if (this.#rules.length === 0) return { latencyMs, fault }
    for (const installed of this.#rules) {
      const isLatency = installed.rule.fault.kind === 'latency'
      if (isLatency ? latencyMs > 0 : fault !== undefined) continue
      if (!this.#applies(installed, request)) continue
      const chosen = installed.rule.fault
      if (chosen.kind === 'latency') latencyMs = chosen.ms
      else fault = chosen
    }
    return { latencyMs, fault }
  }

  #applies(installed: InstalledRule, request: FaultRequest): boolean {
    const { rule } = installed
    if (rule.route !== undefined && !(typeof rule.route === 'string' ? rule.route === request.route : rule.route.includes(request.route))) return false
    if (rule.method !== undefined && rule.method.toUpperCase() !== request.method) return false
    if (rule.when !== undefined && !rule.when(request)) return false
    installed.seen++
    if (installed.seen <= (rule.skip ?? 0)) return false
    if (rule.times !== undefined && installed.hits >= rule.times) return false
    if (rule.probability !== undefined && installed.random() >= rule.probability) return false
    installed.hits++
    return true
  }
}
