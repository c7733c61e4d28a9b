// A map for the few entries a socket's connection has (most often one): a flat array of exactly its entries, a `Map` past a handful.

// An empty one shares this array: it costs nothing until its first entry.
const EMPTY: readonly unknown[] = []

/** Past this many entries the flat array's linear look-ups give way to a `Map`. */
const FLAT_LIMIT = 8

/**
 * The part of `Map` a connection, its lease keeper and its memory store use, keyed by strings, in
 * insertion order. A `Map` costs about 200 bytes empty (its hash table has room for a few entries
 * up front), and a Messaging socket's private connection keeps five of them for one conversation;
 * here up to {@link FLAT_LIMIT} entries live in one array of exactly their size (keys and values
 * alternating), copied on each change, and only a larger map makes a `Map`.
 *
 * @internal
 */
export class SmallMap<V> {
  #flat: readonly unknown[] = EMPTY
  #map: Map<string, V> | undefined

  /** How many entries. */
  get size(): number {
    return this.#map?.size ?? this.#flat.length / 2
  }

  get(key: string): V | undefined {
    if (this.#map !== undefined) return this.#map.get(key)
    const at = this.#indexOf(key)
    return at < 0 ? undefined : (this.#flat[at + 1] as V)
  }

  has(key: string): boolean {
    return this.#map !== undefined ? this.#map.has(key) : this.#indexOf(key) >= 0
  }

  /** Sets `key` (a new key goes last, an existing one keeps its place). */
  set(key: string, value: V): this {
    if (this.#map !== undefined) {
      this.#map.set(key, value)
      return this
    }
    const at = this.#indexOf(key)
    const flat = resized(this.#flat, at >= 0 ? this.#flat.length : this.#flat.length + 2, -1)
    flat[at >= 0 ? at : this.#flat.length] = key
    flat[(at >= 0 ? at : this.#flat.length) + 1] = value
    if (flat.length / 2 <= FLAT_LIMIT) this.#flat = flat
    else {
      const map = new Map<string, V>()
      for (let i = 0; i < flat.length; i += 2) map.set(flat[i] as string, flat[i + 1] as V)
      this.#map = map
      this.#flat = EMPTY
    }
    return this
  }

  /** Removes `key`; whether it was there. */
  delete(key: string): boolean {
    if (this.#map !== undefined) return this.#map.delete(key)
    const at = this.#indexOf(key)
    if (at < 0) return false
    this.#flat = this.#flat.length === 2 ? EMPTY : resized(this.#flat, this.#flat.length - 2, at)
    return true
  }

  /** The values in insertion order, as they are now (later changes do not show in this list). */
  values(): readonly V[] {
    if (this.#map !== undefined) return [...this.#map.values()]
    const values: V[] = []
    for (let i = 1; i < this.#flat.length; i += 2) values.push(this.#flat[i] as V)
    return values
  }

  /** Removes every entry. */
  clear(): void {
    this.#map = undefined
    this.#flat = EMPTY
  }

  #indexOf(key: string): number {
    const flat = this.#flat
    for (let i = 0; i < flat.length; i += 2) if (flat[i] === key) return i
    return -1
  }
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
