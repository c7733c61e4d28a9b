// How scripts and tests match a line of a chat (LineMatcher).

/** What a test looks for in a line: text equal after trimming (case-insensitive), a pattern, or a predicate. */
export type LineMatcher = string | RegExp | ((text: string) => boolean)

/** True when `text` matches `matcher`. */
export function matchesLine(matcher: LineMatcher, text: string): boolean {
  if (typeof matcher === 'string') return text.trim().toLowerCase() === matcher.trim().toLowerCase()
  if (matcher instanceof RegExp) return matcher.test(text)
  return matcher(text)
}
