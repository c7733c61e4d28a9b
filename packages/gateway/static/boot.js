// The boot calls a Messaging client makes before it opens a socket: the account id, the domain
// lookup (CSDS) of the messaging and identity hosts, and an unauthenticated consumer identity that
// is kept in localStorage so the same consumer comes back after a reload.

/**
 * The account id: the page URL's `?account=` first, then `<meta name="chatbridge-account">`.
 * @param {Location} location
 * @param {Document} document
 * @returns {string | undefined}
 */
export function accountIdOf(location, document) {
  const fromQuery = new URLSearchParams(location.search).get('account')
  if (fromQuery) return fromQuery
  const meta = document.querySelector('meta[name="chatbridge-account"]')
  return meta?.getAttribute('content') || undefined
}

/**
 * Asks the domain service (CSDS) of this page's origin for a service's host.
 * @param {string} accountId
 * @param {'asyncMessagingEnt' | 'idp'} service
 * @returns {Promise<string>} `host[:port]`
 */
export async function lookUpHost(accountId, service) {
  const path = `/csdr/account/${encodeURIComponent(accountId)}/service/${service}/baseURI.json?version=1.0`
  const body = await fetchJson(path, { method: 'GET' })
  if (typeof body?.baseURI !== 'string' || body.baseURI === '') throw new Error(`the domain lookup of ${service} gave no baseURI`)
  return body.baseURI
}

/** Where this account's consumer JWT is kept. */
function jwtKey(accountId) {
  return `chatbridge:${accountId}:jwt`
}

/**
 * The consumer's identity: the stored JWT, or a fresh one from `signup` on the identity host.
 * @param {{ accountId: string, idpHost: string, storage: Storage, protocol: string }} options
 * @returns {Promise<string>}
 */
export async function consumerJwt({ accountId, idpHost, storage, protocol }) {
  const stored = storage.getItem(jwtKey(accountId))
  if (stored) return stored
  const body = await fetchJson(`${protocol}//${idpHost}/api/account/${encodeURIComponent(accountId)}/signup`, { method: 'POST' })
  if (typeof body?.jwt !== 'string' || body.jwt === '') throw new Error('signup gave no jwt')
  storage.setItem(jwtKey(accountId), body.jwt)
  return body.jwt
}

/**
 * Forgets the stored JWT (the server said it is no longer valid: close code 4401 or 4407).
 * @param {string} accountId
 * @param {Storage} storage
 */
export function forgetJwt(accountId, storage) {
  storage.removeItem(jwtKey(accountId))
}

/**
 * The consumer socket URL on the messaging host.
 * @param {string} accountId
 * @param {string} messagingHost
 * @param {string} protocol the page's, `http:` or `https:`
 */
export function socketUrl(accountId, messagingHost, protocol) {
  const scheme = protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${messagingHost}/ws_api/account/${encodeURIComponent(accountId)}/messaging/consumer?v=3`
}

async function fetchJson(url, init) {
  const response = await fetch(url, { ...init, headers: { accept: 'application/json' } })
  if (!response.ok) throw new Error(`${init.method} ${new URL(url, location.href).pathname} answered ${response.status}`)
  return response.json()
}
