/** Link relations of a resource (`Links`) and the resolution of the malformed hrefs the legacy API hands out. */
import { RelationMissingError } from './errors.js'
import { redactUri } from './redact.js'

/** One link relation as it arrived, its href resolved against the document it came in. */
export interface Link {
  readonly rel: string
  readonly href: URL
}

/**
 * The links of one resource, looked up by relation. Lookups never guess a URI: a relation that is
 * not there is a {@link RelationMissingError} naming the relation and the resource.
 *
 * Hrefs are resolved when looked up, each lookup a `URL` of its own: a poll reads a dozen links and
 * follows one, so parsing the others would be wasted work on the hottest path, and a chat keeps its
 * last links for as long as it lives, so they are kept as text, without maps or caches.
 */
export class Links {
  readonly #resource: string
  // Relation names then hrefs, in document order (no object per link); relation names interned.
  // An href that starts with the resource's URI up to its query is kept as the rest only (bit i of
  // `#prefixed` set for link i): a chat's links all share its URI, kept once in `#resource`.
  // When every name and every rest but a few is one the process shares, `#order` is a table's
  // copy shared by every document with those links, the few left out (`undefined` there) in `#own`:
  // a chat keeps its links and its info's for its life, and they differ from chat to chat in a
  // `?from=` at most.
  readonly #order: readonly (string | undefined)[]
  readonly #own: string | readonly string[] | undefined
  readonly #prefixLength: number
  readonly #prefixed: number

  /** Links as they arrived (`href` as sent, possibly relative or malformed) in a document at `resource`. */
  constructor(resource: URL | string, links: readonly { readonly rel: string; readonly href: string }[]) {
    // `URL.href` is the text the URL holds, so the links of one document share it.
    this.#resource = typeof resource === 'string' ? new URL(resource).href : resource.href
    this.#prefixLength = prefixLengthOf(this.#resource)
    const prefix = this.#resource.slice(0, this.#prefixLength)
    // Exactly two slots a link: pushing pairs onto `[]` reserves 19, and a chat keeps two of these.
    const order = new Array<string>(links.length * 2)
    let prefixed = 0
    // Links whose name or href is not one the process shares; a name counts for all of them.
    let own = 0
    links.forEach((link, index) => {
      const slice = index < MAX_PREFIXED && startsWith(link.href, prefix) ? link.href.slice(prefix.length) : undefined
      const common = slice === undefined ? undefined : sharedRest(slice)
      const rest = common ?? (slice !== undefined && slice.length < SLICE_VIEW_LENGTH ? slice : undefined)
      if (rest !== undefined) prefixed |= 1 << index
      const rel = KNOWN_RELS.get(link.rel)
      own += rel === undefined ? MAX_OWN + 1 : common === undefined ? 1 : 0
      order[index * 2] = rel ?? link.rel
      order[index * 2 + 1] = rest ?? link.href
    })
    this.#prefixed = prefixed
    const skeleton = own <= MAX_OWN ? skeletonOf(order, prefixed) : undefined
    this.#order = skeleton ?? order
    this.#own = skeleton === undefined ? undefined : ownOf(order, skeleton)
  }

  /** The URI of the document these links came in (a new `URL` on each read). */
  get resource(): URL {
    return new URL(this.#resource)
  }

  /** @internal {@link resource} as text, for error messages that may never be built. */
  get resourceHref(): string {
    return this.#resource
  }

  /** True when the relation is present with a usable href. */
  has(rel: string): boolean {
    return this.get(rel) !== undefined
  }

  /** The relation's URI, or `undefined` when absent. */
  get(rel: string): URL | undefined {
    const href = this.#href(rel)
    return href === undefined ? undefined : resolveWith(href, () => this.resource)
  }

  /** The relation's URI; throws {@link RelationMissingError} when absent. */
  require(rel: string): URL {
    const href = this.get(rel)
    if (href === undefined) throw new RelationMissingError({ rel, resource: redactUri(this.resource) })
    return href
  }

  /** Every usable link, in document order. */
  all(): readonly Link[] {
    const out: Link[] = []
    const base = this.resource
    for (let i = 0; i < this.#order.length; i += 2) {
      const resolved = resolveHref(this.#text(i / 2), base)
      if (resolved !== undefined) out.push({ rel: this.#order[i] ?? '', href: resolved })
    }
    return out
  }

  /** The relation names present with a usable href, in document order. */
  rels(): string[] {
    const rels = new Set<string>()
    for (let i = 0; i < this.#order.length; i += 2) rels.add(this.#order[i] ?? '')
    return [...rels].filter((rel) => this.has(rel))
  }

  // The first link of a relation with an href wins, as clients that index by position would see it.
  #href(rel: string): string | undefined {
    for (let i = 0; i < this.#order.length; i += 2) {
      if (this.#order[i] !== rel) continue
      const href = this.#text(i / 2)
      if (href.trim() !== '') return href
    }
    return undefined
  }

  // The href of link `index` as it arrived.
  #text(index: number): string {
    const stored = this.#order[index * 2 + 1] ?? this.#ownAt(index)
    return index >= MAX_PREFIXED || (this.#prefixed & (1 << index)) === 0 ? stored : this.#resource.slice(0, this.#prefixLength) + stored
  }

  // The `#own` value of link `index`: its place among the links left out of a shared `#order`.
  #ownAt(index: number): string {
    const own = this.#own
    if (typeof own === 'string' || own === undefined) return own ?? ''
    let place = 0
    for (let i = 1; i < index * 2 + 1; i += 2) if (this.#order[i] === undefined) place += 1
    return own[place] ?? ''
  }
}

// `String.prototype.startsWith` with a sliced prefix costs a quarter of a microsecond in V8 (a poll
// checks a dozen links); comparing the slice is a memcmp.
function startsWith(text: string, prefix: string): boolean {
  return text.length >= prefix.length && text.slice(0, prefix.length) === prefix
}

// Bit flags of one 32-bit number mark the prefixed links; links past the 31st are kept whole.
const MAX_PREFIXED = 31

// The resource's URI up to its query or fragment: what the hrefs of its links start with.
function prefixLengthOf(href: string): number {
  const end = href.search(/[?#]/)
  return end === -1 ? href.length : end
}

// The rests every chat shares (`/events`, `/info/agentTyping`) are kept once per process; the table
// is bounded, and rests with a query (`?from=12`) vary per poll, so they are never entered.
const SHARED_RESTS = new Map<string, string>()
const MAX_SHARED_RESTS = 256
// V8 keeps a slice of 13 characters or more as a view of the whole href: such a rest saves nothing.
const SLICE_VIEW_LENGTH = 13

// The shared copy of a rest every chat has, entered on first sight while the table has room.
function sharedRest(rest: string): string | undefined {
  const shared = SHARED_RESTS.get(rest)
  if (shared !== undefined || SHARED_RESTS.size >= MAX_SHARED_RESTS || /[?#]/.test(rest) || /\d{4}/.test(rest)) return shared
  // Copied character by character so the table holds no view of this response's text.
  const copy = Array.from(rest).join('')
  SHARED_RESTS.set(copy, copy)
  return copy
}

// Shared `#order` arrays by their text (names, rests, `undefined` for a document's own hrefs);
// bounded, as the rests are. A document with a name the process does not share, or more own hrefs
// than `MAX_OWN`, keeps its own array.
const SKELETONS = new Map<string, readonly (string | undefined)[]>()
const MAX_SKELETONS = 256
const MAX_OWN = 4

// The table's `#order` for `order` (its own values left out), entered while there is room.
function skeletonOf(order: readonly string[], prefixed: number): readonly (string | undefined)[] | undefined {
  const skeleton = order.map((text, i) => (i % 2 === 0 || isShared(text, (i - 1) / 2, prefixed) ? text : undefined))
  const key = skeleton.map((text) => text ?? '\u0000').join('\u0001')
  const known = SKELETONS.get(key)
  if (known !== undefined) return sameSkeleton(known, skeleton) ? known : undefined
  if (SKELETONS.size >= MAX_SKELETONS) return undefined
  SKELETONS.set(key, skeleton)
  return skeleton
}

// A rest of the shared table (the only texts besides relation names a shared `#order` holds).
function isShared(text: string, index: number, prefixed: number): boolean {
  return index < MAX_PREFIXED && (prefixed & (1 << index)) !== 0 && SHARED_RESTS.get(text) === text
}

function sameSkeleton(a: readonly (string | undefined)[], b: readonly (string | undefined)[]): boolean {
  return a.length === b.length && a.every((text, i) => text === b[i])
}

// The hrefs `skeleton` leaves out, in order: one as itself, several as an exact-size array.
function ownOf(order: readonly string[], skeleton: readonly (string | undefined)[]): string | readonly string[] | undefined {
  // Exact size: `filter` pushes, and a pushed array reserves 17 slots.
  const own = new Array<string>(skeleton.reduce((count, text) => (text === undefined ? count + 1 : count), 0))
  let place = 0
  order.forEach((text, i) => {
    if (skeleton[i] === undefined) own[place++] = text
  })
  return own.length === 0 ? undefined : own.length === 1 ? own[0] : own
}

// The relations the legacy API documents, so a chat that keeps its links for hours holds one shared
// copy of each name rather than the copies each parsed response brings.
const KNOWN_RELS: ReadonlyMap<string, string> = new Map(
  [
    'self', 'next', 'events', 'info', 'location', 'transcript-request', 'transcript-with-subject-request', 'exit-survey',
    'custom-variables', 'visitor-name', 'visitor-typing', 'agent-typing', 'chat-request', 'availability', 'estimatedWaitTime',
  ].map((rel) => [rel, rel]),
)

/**
 * Resolves a link's href against the document it came in, mending the malformed forms the public
 * documentation itself shows: `https:/host/…` (one slash) and `host/…` (no scheme).
 * Returns `undefined` when nothing sensible can be made of it.
 */
export function resolveHref(href: string, base: URL): URL | undefined {
  return resolveWith(href, () => base)
}

// `base` is asked for only when the href is not absolute: the legacy server sends absolute hrefs,
// so the document's URI is seldom parsed at all.
function resolveWith(href: string, baseOf: () => URL): URL | undefined {
  const trimmed = href.trim()
  if (trimmed === '') return undefined
  // `https:/host/path` parses as a path on the base origin; mend it to `https://host/path`.
  const oneSlash = /^(https?):\/(?!\/)/i.exec(trimmed)
  if (oneSlash !== null) return parse(`${oneSlash[1]}://${trimmed.slice(oneSlash[0].length)}`)
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && !/^[^/:]+:\d+(\/|$)/.test(trimmed)) return parse(trimmed)
  if (trimmed.startsWith('/') || trimmed.startsWith('.') || trimmed.startsWith('?')) return parse(trimmed, baseOf())
  // A scheme-less `host/…` (or `host:port/…`): take the scheme of the document it came in.
  const firstSegment = trimmed.split(/[/?#]/, 1)[0] ?? ''
  const base = baseOf()
  if (firstSegment.includes('.') || firstSegment.includes(':') || firstSegment === base.host) {
    return parse(`${base.protocol}//${trimmed}`)
  }
  return parse(trimmed, base)
}

function parse(href: string, base?: URL): URL | undefined {
  try {
    return new URL(href, base)
  } catch {
    return undefined
  }
}
