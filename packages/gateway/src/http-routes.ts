// Which HTTP route a request path names; pure, so every odd path is easy to test.

/** The services whose host the domain lookup answers: the gateway serves both itself. */
export const servedServices: readonly string[] = ['asyncMessagingEnt', 'idp']

/** A recognised HTTP route, with the account id and service it names. */
export type HttpRoute =
  | { readonly name: 'healthz' | 'readyz' | 'metrics' }
  | { readonly name: 'csds-all'; readonly accountId: string }
  | { readonly name: 'csds-json' | 'csds-jsonp'; readonly accountId: string; readonly service: string }
  | { readonly name: 'signup' | 'signup-jsonp' | 'authenticate'; readonly accountId: string }
  | { readonly name: 'consumer-socket'; readonly accountId: string }

/** The methods each route answers; others get 405. */
export const routeMethods: Readonly<Record<HttpRoute['name'], readonly string[]>> = {
  healthz: ['GET', 'HEAD'],
  readyz: ['GET', 'HEAD'],
  metrics: ['GET'],
  'csds-all': ['GET'],
  'csds-json': ['GET'],
  'csds-jsonp': ['GET'],
  signup: ['POST', 'OPTIONS'],
  'signup-jsonp': ['GET'],
  authenticate: ['POST', 'OPTIONS'],
  'consumer-socket': ['GET'],
}

const segment = '([^/]+)'
const patterns: readonly [RegExp, (match: readonly string[]) => HttpRoute][] = [
  [/^\/healthz$/, () => ({ name: 'healthz' })],
  [/^\/readyz$/, () => ({ name: 'readyz' })],
  [/^\/metrics$/, () => ({ name: 'metrics' })],
  [new RegExp(`^/csdr/account/${segment}/service/baseURI\\.json$`), (m) => ({ name: 'csds-all', accountId: m[1] ?? '' })],
  [
    new RegExp(`^/csdr/account/${segment}/service/${segment}/baseURI\\.json$`),
    (m) => ({ name: 'csds-json', accountId: m[1] ?? '', service: m[2] ?? '' }),
  ],
  [
    new RegExp(`^/csdr/account/${segment}/service/${segment}/baseURI\\.lpCsds$`),
    (m) => ({ name: 'csds-jsonp', accountId: m[1] ?? '', service: m[2] ?? '' }),
  ],
  [new RegExp(`^/api/account/${segment}/signup$`), (m) => ({ name: 'signup', accountId: m[1] ?? '' })],
  [new RegExp(`^/api/account/${segment}/signup\\.jsonp$`), (m) => ({ name: 'signup-jsonp', accountId: m[1] ?? '' })],
  [new RegExp(`^/api/account/${segment}/authenticate$`), (m) => ({ name: 'authenticate', accountId: m[1] ?? '' })],
  [new RegExp(`^/ws_api/account/${segment}/messaging/consumer$`), (m) => ({ name: 'consumer-socket', accountId: m[1] ?? '' })],
]

/** The route `pathname` names, or `undefined` (404). Account ids are compared by the caller. */
export function matchRoute(pathname: string): HttpRoute | undefined {
  for (const [pattern, make] of patterns) {
    const match = pattern.exec(pathname)
    if (match !== null) return make(match)
  }
  return undefined
}

/** The path and query of a request's target, or `undefined` when it is not a path (e.g. `*` or an absolute URL to elsewhere). */
export function requestTarget(url: string | undefined): URL | undefined {
  if (url === undefined || !url.startsWith('/') || url.startsWith('//')) return undefined
  return URL.canParse(url, 'http://gateway.invalid') ? new URL(url, 'http://gateway.invalid') : undefined
}
