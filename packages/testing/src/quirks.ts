// The quirk switches of the service (QuirkSwitches), their defaults, and how they reshape a document.

/**
 * Switches for the documented quirks of the service (reference §12). Each is a boolean; the
 * defaults mirror what the real service does.
 */
export interface QuirkSwitches {
  /** A list with one element comes back as a bare object (`"event": {...}`). Default `true`. */
  readonly singleAsObject: boolean
  /** Every number is sent as a string (`"systemMessageId": "4"`). Default `false`. */
  readonly numbersAsStrings: boolean
  /** Links use `href`/`rel` instead of `@href`/`@rel`. Default `false`. */
  readonly linksWithoutAt: boolean
  /**
   * The info links are broken as in the public example: `visitor-name` gets `http:/host/…` (one
   * slash) and `agent-typing` has no scheme. Default `false`.
   */
  readonly malformedHrefs: boolean
  /** System lines (`source: system`, with `systemMessageId`) are added on start, accept, transfer and agent end. Default `true`. */
  readonly systemLines: boolean
  /** Each visitor line is followed by a `line-status` event (`lineStatus: ACCEPT`, `refSequenceId`). Default `false`. */
  readonly lineStatus: boolean
  /** `GET {accountRoot}` serves the account resource and its links; `false` answers 404 (internalCode 28), as servers without it do. Default `true`. */
  readonly accountResource: boolean
  /** XML documents start with an `<?xml …?>` declaration. Default `true`. */
  readonly xmlDeclaration: boolean
}

/** The quirk switches of a server that was given none. */
export const defaultQuirks: QuirkSwitches = {
  singleAsObject: true,
  numbersAsStrings: false,
  linksWithoutAt: false,
  malformedHrefs: false,
  systemLines: true,
  lineStatus: false,
  xmlDeclaration: true,
  accountResource: true,
}

/** Applies the representation quirks (`singleAsObject`, `numbersAsStrings`, `linksWithoutAt`) to a response document. */
export function applyRepresentationQuirks(document: Record<string, unknown>, quirks: QuirkSwitches): Record<string, unknown> {
  if (!quirks.singleAsObject && !quirks.numbersAsStrings && !quirks.linksWithoutAt) return document
  return transform(document, quirks) as Record<string, unknown>
}

function transform(value: unknown, quirks: QuirkSwitches, key?: string): unknown {
  if (typeof value === 'number') return quirks.numbersAsStrings ? String(value) : value
  if (Array.isArray(value)) {
    const items = value.map((item) => transform(item, quirks, key))
    return quirks.singleAsObject && items.length === 1 ? items[0] : items
  }
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    const name = quirks.linksWithoutAt && key === 'link' && (k === '@href' || k === '@rel') ? k.slice(1) : k
    out[name] = transform(v, quirks, k)
  }
  return out
}

/** Breaks an absolute href the way the public example does: `one-slash` → `https:/host/…`, `no-scheme` → `host/…`. */
export function malformHref(href: string, how: 'one-slash' | 'no-scheme'): string {
  const match = /^([a-z]+):\/\/(.*)$/i.exec(href)
  if (match === null) return href
  return how === 'one-slash' ? `${match[1] ?? ''}:/${match[2] ?? ''}` : (match[2] ?? '')
}
