/**
 * The account resource (`GET {root}?v=1`) as the entry point: its link relations name the chat
 * request, the availability checks and the surveys. Read once per client and shared by concurrent
 * callers; a server that does not serve it (404) gets the documented paths instead.
 */
import * as t from 'io-ts'
import { HttpError } from './errors.js'
import { LenientRecord, RawLinks } from './lenient-codecs.js'
import { Links } from './links.js'
import type { RequestOptions } from './options.js'
import type { Transport } from './transport.js'

/** The account resource's relations and the documented path each falls back to. */
export const accountRelations = {
  'chat-request': 'chat/request',
  'chat-availability': 'chat/availability',
  'chat-available-slots': 'chat/availableSlots',
  'chat-estimatedWaitTime': 'chat/estimatedWaitTime',
  'prechat-survey': 'chat/preSurvey',
  'chat-offline-survey': 'chat/offlineSurvey',
} as const

/** A relation of the account resource. */
export type AccountRelation = keyof typeof accountRelations

const AccountDocument = t.type({ account: t.intersection([LenientRecord, t.partial({ link: RawLinks })]) }, 'AccountDocument')

/** The entry points of one account, from its resource's links or the documented paths. */
export class AccountEntries {
  readonly #transport: Transport
  readonly #root: URL
  #links: Promise<Links | undefined> | undefined

  /** With `useResource` false the documented paths are used and the resource is never read. */
  constructor(transport: Transport, root: URL, useResource = true) {
    this.#transport = transport
    this.#root = root
    if (!useResource) this.#links = Promise.resolve(undefined)
  }

  /**
   * The URI of `rel` with `query` set. A link of the account resource wins when offered (checked
   * against the origin policy); otherwise the documented path under the root.
   */
  async uri(rel: AccountRelation, query: object, options: RequestOptions): Promise<URL> {
    const links = await this.#read(options)
    const linked = links?.get(rel)
    let uri: URL
    if (linked === undefined) {
      uri = new URL(`${this.#root.href}/${accountRelations[rel]}`)
    } else {
      this.#transport.assertAllowed(linked, this.#root)
      uri = normalisePath(linked)
    }
    for (const [name, value] of Object.entries(query)) if (value !== undefined) uri.searchParams.set(name, String(value))
    return uri
  }

  #read(options: RequestOptions): Promise<Links | undefined> {
    // One read per client; a failed read (not a 404) is forgotten so the next call tries again.
    this.#links ??= this.#fetch(options).catch((error: unknown) => {
      this.#links = undefined
      throw error
    })
    return this.#links
  }

  async #fetch(options: RequestOptions): Promise<Links | undefined> {
    try {
      // The caller's signal aborts only its own wait, never the shared read.
      const response = await this.#transport.send({ ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }), method: 'GET', uri: this.#root })
      return new Links(response.uri, this.#transport.decode(AccountDocument, response).account.link ?? [])
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return undefined
      throw error
    }
  }
}

/** Collapses the empty segments of a path — the docs' own `/chat//preSurvey` — that a link may carry. */
export function normalisePath(uri: URL): URL {
  const out = new URL(uri)
  out.pathname = out.pathname.replace(/\/{2,}/g, '/')
  return out
}
