// The short lists a consumer's entry keeps for its whole life, most often of one item, as that item itself.

/**
 * Nothing ({@link NONE}), the one item itself, or an exact-size array of two or more: an array of
 * one costs 56 bytes, and a consumer mostly has one conversation and one watch. Items are never
 * arrays. Changes make a new value; a list being walked is never changed. @internal
 */
export type Few<T> = T | readonly T[]

/** The empty {@link Few}, shared. @internal */
export const NONE: readonly never[] = []

function isList<T>(few: Few<T>): few is readonly T[] {
  return Array.isArray(few)
}

/** The items as an array (a new one for a single item: for the rare walks, a close or an abandon). @internal */
export function itemsOf<T>(few: Few<T>): readonly T[] {
  return isList(few) ? few : [few]
}

/** How many items. @internal */
export function countOf<T>(few: Few<T>): number {
  return isList(few) ? few.length : 1
}

/** The first item, if any. @internal */
export function firstOf<T>(few: Few<T>): T | undefined {
  return isList(few) ? few[0] : few
}

/** Whether `item` is one of them. @internal */
export function has<T>(few: Few<T>, item: T): boolean {
  return isList(few) ? few.includes(item) : few === item
}

/** `few` with `item` last (the same value when it is there already and `unique`). @internal */
export function withItem<T>(few: Few<T>, item: T, unique = false): Few<T> {
  if (unique && has(few, item)) return few
  if (!isList(few)) return [few, item]
  return few.length === 0 ? item : few.concat([item])
}

/** `few` without the first `item` in it (the same value when it is not there). @internal */
export function withoutItem<T>(few: Few<T>, item: T): Few<T> {
  if (!isList(few)) return few === item ? NONE : few
  const at = few.indexOf(item)
  if (at < 0) return few
  if (few.length === 2) return few[1 - at] as T
  return few.slice(0, at).concat(few.slice(at + 1))
}
