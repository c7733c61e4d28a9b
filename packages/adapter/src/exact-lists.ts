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

/**
 * A short list a chat (or a gateway's consumer) keeps for its whole life, most often of one item:
 * nothing ({@link NO_ITEMS}), the item itself (an array of one costs 56 bytes), or an exact-size
 * array of two or more. Items are never arrays. Changes make a new value; a list being walked is
 * never changed.
 */
export type Few<T> = T | readonly T[]

/** The empty {@link Few}, shared. */
export const NO_ITEMS: readonly never[] = []

/** Whether `few` is an array (none, or two or more), not one item. @internal */
export function isList<T>(few: Few<T>): few is readonly T[] {
  return Array.isArray(few)
}

/** `few` with `item` last (the same value when `unique` and it is there already). */
export function withItem<T>(few: Few<T>, item: T, unique = false): Few<T> {
  if (unique && has(few, item)) return few
  if (!isList(few)) return [few, item]
  return few.length === 0 ? item : few.concat([item])
}

/** `few` without the first `item` in it (the same value when it is not there). */
export function withoutItem<T>(few: Few<T>, item: T): Few<T> {
  if (!isList(few)) return few === item ? NO_ITEMS : few
  const at = few.indexOf(item)
  if (at < 0) return few
  return few.length === 2 ? (few[1 - at] as T) : withoutAt(few, at)
}

/** The items as an array (a new one for a single item: for the rare walks, a close or an end). */
export function itemsOf<T>(few: Few<T>): readonly T[] {
  return isList(few) ? few : [few]
}

/** How many items. */
export function countOf<T>(few: Few<T>): number {
  return isList(few) ? few.length : 1
}

/** The first item, if any. */
export function firstOf<T>(few: Few<T>): T | undefined {
  return isList(few) ? few[0] : few
}

/** Whether `item` is one of them. */
export function has<T>(few: Few<T>, item: T): boolean {
  return isList(few) ? few.includes(item) : few === item
}
