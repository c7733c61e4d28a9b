// The text a process's links share: relation names, the rests of hrefs every chat has, and whole link tables (skeletons).

// Bit flags of one 32-bit number mark the prefixed links; links past the 31st are kept whole.
export const MAX_PREFIXED = 31

// The rests every chat shares (`/events`, `/info/agentTyping`) are kept once per process; the table
// is bounded, and rests with a query (`?from=12`) vary per poll, so they are never entered.
const SHARED_RESTS = new Map<string, string>()
const MAX_SHARED_RESTS = 256
// V8 keeps a slice of 13 characters or more as a view of the whole href: such a rest saves nothing.
export const SLICE_VIEW_LENGTH = 13

// The shared copy of a rest every chat has, entered on first sight while the table has room.
export function sharedRest(rest: string): string | undefined {
  const shared = SHARED_RESTS.get(rest)
  if (shared !== undefined || SHARED_RESTS.size >= MAX_SHARED_RESTS || /[?#]/.test(rest) || /\d{4}/.test(rest)) return shared
  // A copy of its own, so the table holds no view of this response's text.
  const copy = flatCopy(rest)
  SHARED_RESTS.set(copy, copy)
  return copy
}

// Texts that differ by a chat's place in its log but not from chat to chat at one place (the query a
// page was read with, `?from=4&v=1&NC=true`; its `next` link's rest, `?from=4`): the latest are kept
// once per process, for every chat at that place. Cleared when full, so it stays bounded however
// far the chats' places spread.
const RECENT_TEXTS = new Map<string, string>()
const MAX_RECENT_TEXTS = 256

// The process's copy of `text` (a string of its own, see `flatCopy`), entered on first sight.
export function recentText(text: string): string {
  const known = RECENT_TEXTS.get(text)
  if (known !== undefined) return known
  if (RECENT_TEXTS.size >= MAX_RECENT_TEXTS) RECENT_TEXTS.clear()
  const copy = flatCopy(text)
  RECENT_TEXTS.set(copy, copy)
  return copy
}

// Shared `#order` arrays by their text (names, rests, `undefined` for a document's own hrefs);
// bounded, as the rests are. A document with a name the process does not share, or more own hrefs
// than `MAX_OWN`, keeps its own array.
const SKELETONS = new Map<string, readonly (string | undefined)[]>()
const MAX_SKELETONS = 256
export const MAX_OWN = 4

// The table's `#order` for `order` (its own values left out), entered while there is room.
export function skeletonOf(order: readonly string[], prefixed: number): readonly (string | undefined)[] | undefined {
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
export function ownOf(order: readonly string[], skeleton: readonly (string | undefined)[]): string | readonly string[] | undefined {
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
export const KNOWN_RELS: ReadonlyMap<string, string> = new Map(
  [
    'self', 'next', 'events', 'info', 'location', 'transcript-request', 'transcript-with-subject-request', 'exit-survey',
    'custom-variables', 'visitor-name', 'visitor-typing', 'agent-typing', 'chat-request', 'availability', 'estimatedWaitTime',
  ].map((rel) => [rel, rel]),
)

/**
 * `text` as a string of its own: a slice of 13 characters or more is a view that keeps the whole
 * text it was cut from alive, and a chat keeps its links' texts for its life.
 */
export function flatCopy(text: string): string {
  return text.length < SLICE_VIEW_LENGTH ? text : (JSON.parse(JSON.stringify(text)) as string)
}
