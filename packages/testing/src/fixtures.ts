// Recorded fixtures on disk: readFixture reads one, loadFixture installs one in nock for replay.
import { readFileSync } from 'node:fs'
import type { Scope } from 'nock'
import type { FixtureName } from './fixture-scenarios.js'
import { fixtureOrigin } from './fixture-scenarios.js'
import { nock } from './lazy-nock.js'
import type { WireFormatName } from './representation.js'
import type { RecordedInterceptor } from './scrub.js'
import { fromXml } from './xml-mapping.js'

/** Options of {@link loadFixture}. */
export interface LoadFixtureOptions {
  /** Which recording: JSON (`Accept: application/json`) or XML. Default `'json'`. */
  readonly format?: WireFormatName
  /** Match request bodies as recorded (`'exact'`) or accept any body (`'any'`). Default `'exact'`. */
  readonly bodies?: 'exact' | 'any'
}

/** A fixture whose interceptors are installed in nock. */
export interface LoadedFixture {
  readonly name: FixtureName
  readonly format: WireFormatName
  /** `https://chat.example.test`. */
  readonly origin: string
  /** The account root to configure a client with. */
  readonly accountRoot: string
  /** The (scrubbed) app key the recording was made with; replay does not check it. */
  readonly appKey: string
  /** The chat URI the chat request's `Location` gives. */
  readonly chatUri: string
  /** The recording, as defined in nock. */
  readonly recording: readonly RecordedInterceptor[]
  /** The nock scopes; `isDone()` tells whether every exchange happened. */
  readonly scopes: readonly Scope[]
  /** True when every recorded exchange was replayed. */
  isDone(): boolean
  /** The exchanges not replayed yet, as nock describes them. */
  pendingMocks(): string[]
}

/**
 * Matches an XML request body by its content (the §14 mapping), so a client that serialises the
 * same document differently — a declaration, another attribute order — still matches. nock
 * already compares JSON bodies by content.
 */
function sameXml(recorded: string): (body: unknown) => boolean {
  const expected = JSON.stringify(canonical(fromXml(recorded)))
  return (body) => {
    if (typeof body !== 'string') return false
    try {
      return JSON.stringify(canonical(fromXml(body))) === expected
    } catch {
      return false
    }
  }
}

/** A value with object keys sorted, for comparison. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]))
}

/** The path of a fixture file in this package. */
export function fixturePath(name: FixtureName, format: WireFormatName): URL {
  // Both src/ and dist/ sit one level below the package root, next to fixtures/.
  return new URL(`../fixtures/${format}/${name}.json`, import.meta.url)
}

/** Reads a recorded fixture without installing it. */
export function readFixture(name: FixtureName, format: WireFormatName = 'json'): RecordedInterceptor[] {
  return JSON.parse(readFileSync(fixturePath(name, format), 'utf8')) as RecordedInterceptor[]
}

/**
 * Installs a recorded chat in nock (activating nock if a recording left it inactive) and returns
 * what a test needs to drive it. Each exchange answers once, in order; call `nock.cleanAll()` after
 * the test. Replay ignores request headers, and matches bodies by content (JSON and XML alike)
 * unless `bodies: 'any'`.
 *
 * @example
 * const fixture = loadFixture('plain-chat', { format: 'xml' })
 * // configure the client with fixture.accountRoot and fixture.appKey, run it, then:
 * expect(fixture.isDone()).toBe(true)
 */
export function loadFixture(name: FixtureName, options: LoadFixtureOptions = {}): LoadedFixture {
  const format = options.format ?? 'json'
  const recording = readFixture(name, format)
  const start = recording.find((interceptor) => typeof interceptor.path === 'string' && /\/chat\/request(\.json|\.xml)?(\?|$)/.test(interceptor.path))
  if (start === undefined || typeof start.path !== 'string') throw new Error(`Fixture ${name}.${format} has no chat request`)
  const accountPath = start.path.replace(/\/chat\/request.*$/, '')
  const location = start.rawHeaders?.['location']
  const chatUri = Array.isArray(location) ? (location[0] ?? '') : (location ?? '')
  if (!nock().isActive()) nock().activate()
  const definitions = recording.map(({ body, ...rest }) => {
    if (options.bodies === 'any' || body === undefined) return rest
    return { ...rest, body: typeof body === 'string' && body.trim().startsWith('<') ? sameXml(body) : body }
  })
  const scopes = nock().define(definitions)
  return {
    name,
    format,
    origin: fixtureOrigin,
    accountRoot: `${fixtureOrigin}${accountPath}`,
    appKey: '0'.repeat(32),
    chatUri,
    recording,
    scopes,
    isDone: () => scopes.every((scope) => scope.isDone()),
    pendingMocks: () => scopes.flatMap((scope) => scope.pendingMocks()),
  }
}
