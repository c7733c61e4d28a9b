/**
 * The origin policy and the layer that enforces it. One decision for every URI the client is
 * handed or follows — a `Location`, an `attach`ed URI, a link, a redirect: under the account root
 * on its own origin, or anywhere on an origin the options allow. Nothing else is ever requested.
 */
import { ForeignOriginError } from '../errors.js'
import { redactUri } from '../redact.js'
import type { Layer } from './handler.js'

/** Where requests may go: the account root, and other origins allowed outright. */
export interface OriginPolicy {
  /** The account root; on its origin only URIs under its path are allowed. */
  readonly home: URL
  /** Origins (`https://host[:port]`) allowed at any path; they never get the app key. */
  readonly allowedOrigins: ReadonlySet<string>
}

/** The policy for an account root and the `allowedOrigins` option (each entry normalised to its origin). */
export function originPolicy(home: URL, allowedOrigins: readonly string[] = []): OriginPolicy {
  return { home, allowedOrigins: new Set(allowedOrigins.map((origin) => new URL(origin).origin)) }
}

/** True when `target` may be requested: http(s), and on an allowed origin or under the account root. */
export function isAllowedTarget(target: URL, policy: OriginPolicy): boolean {
  const scheme = target.protocol
  if (scheme !== 'http:' && scheme !== 'https:') return false
  const origin = target.origin
  if (policy.allowedOrigins.has(origin)) return true
  // On the home origin, a URI must stay under the account root: `../../admin` is not the chat's.
  return origin === policy.home.origin && isUnder(target.pathname, policy.home.pathname)
}

/** Throws {@link ForeignOriginError} (naming `resource`, where the URI was found) unless the policy allows `target`. */
export function assertAllowedTarget(target: URL, policy: OriginPolicy, resource: URL | string): void {
  if (!isAllowedTarget(target, policy)) throw refusal(target, resource)
}

function refusal(target: URL, resource: URL | string): ForeignOriginError {
  return new ForeignOriginError({ href: redactUri(target), resource: redactUri(resource) })
}

/** Refuses, before anything is sent, every request the policy does not allow. */
export function originGuard(policy: OriginPolicy): Layer {
  // Not async (it adds nothing to the response): a refusal is handed back as a rejection all the same.
  return (next) => (request) => {
    if (!isAllowedTarget(request.url, policy)) return Promise.reject(refusal(request.url, request.via ?? policy.home))
    return next(request)
  }
}

function isUnder(path: string, root: string): boolean {
  const base = root.endsWith('/') ? root : `${root}/`
  return path === root || path.startsWith(base) || base === '/'
}
