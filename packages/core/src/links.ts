/** Link relations of a resource (`Links`) and the resolution of the malformed hrefs the legacy API hands out. */
import { RelationMissingError } from './errors.js'
import { redactUri } from './redact.js'
import { KNOWN_RELS, MAX_OWN, MAX_PREFIXED, SLICE_VIEW_LENGTH, ownOf, recentText, sharedRest, skeletonOf } from './link-text.js'

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
  // The resource's URI: whole, or, when `#query` is set, up to its query as the caller shares it
  // (a chat's own URI, which its session keeps anyway), then its query: a chat keeps its last links
  // for its life, and the URI they came in was one more copy of the chat's.
  readonly #base: string
  readonly #query: string | undefined
  // Relation names then hrefs, in document order (no object per link); relation names interned.
  // An href that starts with the resource's URI up to its query is kept as the rest only (bit i of
  // `#prefixed` set for link i): a chat's links all share its URI, kept once in `#base`.
  // When every name and every rest but a few is one the process shares, `#order` is a table's
  // copy shared by every document with those links, the few left out (`undefined` there) in `#own`:
  // a chat keeps its links and its info's for its life, and they differ from chat to chat in a
  // `?from=` at most.
  readonly #order: readonly (string | undefined)[]
  readonly #own: string | readonly string[] | undefined
  readonly #prefixed: number

  /**
   * Links as they arrived (`href` as sent, possibly relative or malformed) in a document at
   * `resource`. `base`, when given, is text the resource's URI may start with up to its query (a
   * chat's own URI): then the links keep that string rather than a copy of it.
   */
  constructor(resource: URL | string, links: readonly { readonly rel: string; readonly href: string }[], base?: string) {
    // `URL.href` is the text the URL holds, so the links of one document share it.
    const href = typeof resource === 'string' ? new URL(resource).href : resource.href
    const split = base !== undefined && isBaseOf(base, href)
    this.#base = split ? base : href
    this.#query = split ? recentText(href.slice(base.length)) : undefined
    const prefix = this.prefix()
    // Exactly two slots a link: pushing pairs onto `[]` reserves 19, and a chat keeps two of these.
    const order = new Array<string>(links.length * 2)
    let prefixed = 0
    // Links whose name or href is not one the process shares; a name counts for all of them.
    let own = 0
    links.forEach((link, index) => {
      const slice = index < MAX_PREFIXED && startsWith(link.href, prefix) ? link.href.slice(prefix.length) : undefined
      const common = slice === undefined ? undefined : sharedRest(slice)
      const rest = common ?? (slice !== undefined && slice.length < SLICE_VIEW_LENGTH ? recentText(slice) : undefined)
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

  /**
   * @internal Whether `new Links(resource, links, base)` would read as these links (the same
   * resource, names and hrefs, in order), checked without building them: an idle poll's page is its
   * previous page again, and its links are kept rather than made anew on every poll.
   */
  isAlike(resource: URL, links: readonly { readonly rel: string; readonly href: string }[], base?: string): boolean {
    if (!this.isResource(resource.href, base) || links.length * 2 !== this.#order.length) return false
    const prefix = this.prefix()
    return links.every((link, index) => this.#order[index * 2] === link.rel && this.textIs(index, link.href, prefix))
  }

  /** The URI of the document these links came in (a new `URL` on each read). */
  get resource(): URL {
    return new URL(this.resourceHref)
  }

  /** @internal {@link resource} as text, for error messages that may never be built. */
  get resourceHref(): string {
    return this.#query === undefined ? this.#base : this.#base + this.#query
  }

  /** True when the relation is present with a usable href. */
  has(rel: string): boolean {
    return this.get(rel) !== undefined
  }

  /** The relation's URI, or `undefined` when absent. */
  get(rel: string): URL | undefined {
    const href = this.href(rel)
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
      const resolved = resolveHref(this.text(i / 2), base)
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

  // TS-private methods, not `#` ones: a `#` method gives every instance a brand field (8 bytes).
  // The first link of a relation with an href wins, as clients that index by position would see it.
  private href(rel: string): string | undefined {
    for (let i = 0; i < this.#order.length; i += 2) {
      if (this.#order[i] !== rel) continue
      const href = this.text(i / 2)
      if (href.trim() !== '') return href
    }
    return undefined
  }

  // The href of link `index` as it arrived.
  private text(index: number): string {
    const stored = this.#order[index * 2 + 1] ?? this.ownAt(index)
    return index >= MAX_PREFIXED || (this.#prefixed & (1 << index)) === 0 ? stored : this.prefix() + stored
  }

  // Whether `href` with `base` is kept as these links keep their resource: whole, or split into the
  // same base and query.
  private isResource(href: string, base: string | undefined): boolean {
    const query = this.#query
    if (query === undefined) return href === this.#base && !(base !== undefined && isBaseOf(base, href))
    return base === this.#base && href.length === base.length + query.length && href.endsWith(query) && startsWith(href, base)
  }

  // Whether the href of link `index` as it arrived is `href` (`prefix`: see #prefix), without building it.
  private textIs(index: number, href: string, prefix: string): boolean {
    const stored = this.#order[index * 2 + 1] ?? this.ownAt(index)
    if (index >= MAX_PREFIXED || (this.#prefixed & (1 << index)) === 0) return stored === href
    return href.length === prefix.length + stored.length && href.endsWith(stored) && startsWith(href, prefix)
  }

  // The resource's URI up to its query or fragment: what the hrefs of its links start with.
  private prefix(): string {
    return this.#query !== undefined ? this.#base : this.#base.slice(0, prefixLengthOf(this.#base))
  }

  // The `#own` value of link `index`: its place among the links left out of a shared `#order`.
  private ownAt(index: number): string {
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

// Where `href`'s query or fragment starts (its length when it has neither).
function prefixLengthOf(href: string): number {
  const end = href.search(/[?#]/)
  return end === -1 ? href.length : end
}

// `base` is `href` up to its query or fragment.
function isBaseOf(base: string, href: string): boolean {
  return startsWith(href, base) && (href.length === base.length || href[base.length] === '?' || href[base.length] === '#')
}

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
