// Removal from the small copy-on-change lists a chat keeps, as a copy of exact size.

/**
 * `list` without its element at `at` (all of it when `at` is negative), as a copy of exact size:
 * `filter` reserves 17 slots, and an idle chat keeps its lists for as long as it lives. Adding is
 * `list.concat([item])`, exact too (a spread `[...list, item]` reserves 19, like a push).
 *
 * @internal
 */
export function withoutAt<T>(list: readonly T[], at: number): T[] {
  if (at < 0) return list.slice()
  return list.slice(0, at).concat(list.slice(at + 1))
}
