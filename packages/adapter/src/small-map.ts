// A map for the few entries a socket's connection has (most often one): the first entry in two fields, a few more in a flat array, a `Map` past a handful.

// No entries past the first share this array: it costs nothing until a second entry.
const EMPTY: readonly unknown[] = []

/** Past this many entries the flat array's linear look-ups give way to a `Map`. */
const FLAT_LIMIT = 8

/**
 * The part of `Map` a connection, its lease keeper and its memory store use, keyed by strings, in
 * insertion order. A `Map` costs about 200 bytes empty (its hash table has room for a few entries
 * up front), and a Messaging socket's private connection keeps five of them for one conversation;
 * here the first entry is two fields of this object (no array: an array and its elements cost 68
 * bytes more), the next ones up to {@link FLAT_LIMIT} live in one array of exactly their size (keys
 * and values alternating), copied on each change, and only a larger map makes a `Map`.
 *
 * @internal
 */
export class SmallMap<V> {
  // The first entry; `undefined` key: the map is empty (then `#rest` is too).
  #key: string | undefined
  #value: V | undefined
  // The entries after the first, flat; or, past FLAT_LIMIT, a `Map` of them all (then `#key` is unused).
  #rest: readonly unknown[] | Map<string, V> = EMPTY

  /** How many entries. */
  get size(): number {
    const rest = this.#rest
    return rest instanceof Map ? rest.size : this.#key === undefined ? 0 : 1 + rest.length / 2
  }

  get(key: string): V | undefined {
    const rest = this.#rest
    if (rest instanceof Map) return rest.get(key)
    if (key === this.#key) return this.#value
    const at = indexOf(rest, key)
    return at < 0 ? undefined : (rest[at + 1] as V)
  }

  has(key: string): boolean {
    const rest = this.#rest
    if (rest instanceof Map) return rest.has(key)
    return (this.#key !== undefined && key === this.#key) || indexOf(rest, key) >= 0
  }

  /** Sets `key` (a new key goes last, an existing one keeps its place). */
  set(key: string, value: V): this {
    const flat = this.#rest
    if (flat instanceof Map) {
      flat.set(key, value)
    } else if (this.#key === undefined || key === this.#key) {
      this.#key = key
      this.#value = value
    } else {
      const at = indexOf(flat, key)
      const rest = resized(flat, at >= 0 ? flat.length : flat.length + 2, -1)
      rest[at >= 0 ? at : flat.length] = key
      rest[(at >= 0 ? at : flat.length) + 1] = value
      if (rest.length / 2 < FLAT_LIMIT) this.#rest = rest
      else this.toMap(rest)
    }
    return this
  }

  /** Removes `key`; whether it was there. */
  delete(key: string): boolean {
    const rest = this.#rest
    if (rest instanceof Map) return rest.delete(key)
    if (this.#key !== undefined && key === this.#key) {
      // The next entry moves into the fields, so the order holds.
      this.#key = rest[0] as string | undefined
      this.#value = rest[1] as V | undefined
      this.#rest = rest.length <= 2 ? EMPTY : resized(rest, rest.length - 2, 0)
      return true
    }
    const at = indexOf(rest, key)
    if (at < 0) return false
    this.#rest = rest.length === 2 ? EMPTY : resized(rest, rest.length - 2, at)
    return true
  }

  /** The values in insertion order, as they are now (later changes do not show in this list). */
  values(): readonly V[] {
    const rest = this.#rest
    if (rest instanceof Map) return [...rest.values()]
    if (this.#key === undefined) return []
    const values: V[] = [this.#value as V]
    for (let i = 1; i < rest.length; i += 2) values.push(rest[i] as V)
    return values
  }

  /** The keys in insertion order, as they are now. */
  keys(): readonly string[] {
    const rest = this.#rest
    if (rest instanceof Map) return [...rest.keys()]
    if (this.#key === undefined) return []
    const keys: string[] = [this.#key]
    for (let i = 0; i < rest.length; i += 2) keys.push(rest[i] as string)
    return keys
  }

  /** Removes every entry. */
  clear(): void {
    this.#key = undefined
    this.#value = undefined
    this.#rest = EMPTY
  }

  // TS-private methods, not `#` ones: a `#` method gives every instance a brand field (8 bytes).
  private toMap(rest: readonly unknown[]): void {
    const map = new Map<string, V>([[this.#key as string, this.#value as V]])
    for (let i = 0; i < rest.length; i += 2) map.set(rest[i] as string, rest[i + 1] as V)
    this.#key = undefined
    this.#value = undefined
    this.#rest = map
  }
}

function indexOf(flat: readonly unknown[], key: string): number {
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === key) return i
  return -1
}

// A copy of `flat` in an array of exactly `length` slots (a pushed-to array keeps room for 16 more),
// without the entry at `skip` (-1: none).
function resized(flat: readonly unknown[], length: number, skip: number): unknown[] {
  const copy = new Array<unknown>(length)
  let to = 0
  for (let i = 0; i < flat.length && to < length; i += 2) {
    if (i === skip) continue
    copy[to] = flat[i]
    copy[to + 1] = flat[i + 1]
    to += 2
  }
  return copy
}
