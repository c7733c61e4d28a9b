// Which browser origins may open a socket: the check that stops cross-site WebSocket hijacking.

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * True when a socket from `origin` may open. No `Origin` (a non-browser client) is allowed; a
 * browser's origin must be one of `own` (the gateway's), one of `allowed` when configured, or —
 * when `allowed` is not configured — any loopback origin.
 */
export function isOriginAllowed(origin: string | undefined, own: readonly string[], allowed: readonly string[] | undefined): boolean {
  if (origin === undefined) return true
  if (own.includes(origin)) return true
  if (allowed !== undefined) return allowed.includes(origin)
  if (!URL.canParse(origin)) return false
  const url = new URL(origin)
  return (url.protocol === 'http:' || url.protocol === 'https:') && loopbackHosts.has(url.hostname) && url.origin === origin
}
