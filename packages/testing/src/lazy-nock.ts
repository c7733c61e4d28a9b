// nock, loaded on first use only, so importing this package patches nothing.
import { createRequire } from 'node:module'
import type nockModule from 'nock'

let loaded: typeof nockModule | undefined

/**
 * nock, loaded on first use. Importing nock patches Node's `http` and `fetch` at once, so a plain
 * `import` here would put every user of this package — loopback-server tests included — behind
 * nock's interceptors. Only fixtures and the recorder need it.
 */
export function nock(): typeof nockModule {
  loaded ??= createRequire(import.meta.url)('nock') as typeof nockModule
  return loaded
}
