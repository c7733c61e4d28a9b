// The request log of a server (RequestLog): what arrived, answered how, the app key redacted.
import type { FaultKind } from './faults.js'
import type { RouteName } from './router.js'
import { serverClosedError } from './server-closed.js'

/** One request the server received. */
export interface RequestLogEntry {
  /** Position in the server's history, from 0. */
  readonly seq: number
  /** Arrival time, epoch ms on the server's clock. */
  readonly time: number
  /** The method as sent. */
  readonly method: string
  /** The method after `X-HTTP-Method-Override`. */
  readonly effectiveMethod: string
  readonly path: string
  /** Query parameters; `appKey` redacted. */
  readonly query: Readonly<Record<string, string>>
  /** Request headers, lower-cased; the app key redacted wherever it appears. */
  readonly headers: Readonly<Record<string, string>>
  readonly route: RouteName
  readonly chatId: string | undefined
  /** The status answered; `undefined` while in flight, 0 when the connection was reset instead. */
  readonly status: number | undefined
  /** The injected fault, if any (a latency combined with another fault reports the other one). */
  readonly fault: FaultKind | undefined
}

/** A mutable entry, for the server. */
export type MutableLogEntry = { -readonly [K in keyof RequestLogEntry]: RequestLogEntry[K] }

/** The text that replaces the app key in logs and recordings. */
export const redacted = '<redacted>'

/** What tests read of a server's requests. */
export interface RequestLogView {
  /** The requests so far, oldest first (at most `logLimit` of them). */
  readonly entries: readonly RequestLogEntry[]
  /**
   * Resolves with the first entry (already logged or later) for which `predicate` is true;
   * re-checked when a request is answered. Rejects when the server closes first.
   */
  waitFor(predicate: (entry: RequestLogEntry) => boolean): Promise<RequestLogEntry>
  /** Forgets the entries so far. */
  clear(): void
}

/** The request log of one server, bounded to `limit` entries. */
export class RequestLog implements RequestLogView {
  readonly entries: MutableLogEntry[] = []
  #seq = 0
  readonly #waiters = new Set<{
    predicate: (entry: RequestLogEntry) => boolean
    resolve: (entry: RequestLogEntry) => void
    reject: (error: Error) => void
  }>()
  #closed = false
  readonly #limit: number
  readonly #appKey: string

  constructor(limit: number, appKey: string) {
    this.#limit = limit
    this.#appKey = appKey
  }

  /** Logs an arriving request; the caller sets its status later and calls {@link RequestLog.updated}. */
  add(entry: Omit<MutableLogEntry, 'seq' | 'query' | 'headers'>, query: URLSearchParams, headers: Readonly<Record<string, string | string[] | undefined>>): MutableLogEntry {
    const logged: MutableLogEntry = { seq: this.#seq++, ...entry, query: this.#redactQuery(query), headers: this.#redactHeaders(headers) }
    this.entries.push(logged)
    // Trim in batches so a long benchmark run does not pay an O(n) shift per request.
    if (this.entries.length > this.#limit + Math.max(16, this.#limit >> 3)) this.entries.splice(0, this.entries.length - this.#limit)
    this.updated(logged)
    return logged
  }

  /** Wakes the waiters whose predicate an entry now satisfies. */
  updated(entry: RequestLogEntry): void {
    for (const waiter of this.#waiters) {
      if (waiter.predicate(entry)) {
        this.#waiters.delete(waiter)
        waiter.resolve(entry)
      }
    }
  }

  waitFor(predicate: (entry: RequestLogEntry) => boolean): Promise<RequestLogEntry> {
    const found = this.entries.find(predicate)
    if (found !== undefined) return Promise.resolve(found)
    if (this.#closed) return Promise.reject(serverClosedError())
    return new Promise((resolve, reject) => this.#waiters.add({ predicate, resolve, reject }))
  }

  /** Rejects the pending waits: the server closed, no request will come. */
  close(): void {
    this.#closed = true
    for (const waiter of this.#waiters) waiter.reject(serverClosedError())
    this.#waiters.clear()
  }

  clear(): void {
    this.entries.length = 0
  }

  #redactQuery(query: URLSearchParams): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [key, value] of query) out[key] = key.toLowerCase() === 'appkey' ? redacted : this.#redactText(value)
    return out
  }

  #redactHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [key, value] of Object.entries(headers)) {
      if (value === undefined) continue
      const text = Array.isArray(value) ? value.join(', ') : value
      out[key] = key === 'authorization' ? text.replace(/appKey=[^,\s]*/gi, `appKey=${redacted}`) : this.#redactText(text)
    }
    return out
  }

  #redactText(text: string): string {
    // A very short key would match inside ordinary words; real keys are 32 hex digits.
    return this.#appKey.length >= 8 && text.includes(this.#appKey) ? text.split(this.#appKey).join(redacted) : text
  }
}
