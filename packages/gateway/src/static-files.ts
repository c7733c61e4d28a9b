// The chat window's files under `/`: plain names only (no path can leave the directory), each with
// its content type, the page under a strict Content-Security-Policy and told the gateway's account.
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { replyError } from './http-reply.js'

/** The chat window shipped with the gateway: `packages/gateway/static/`, next to both `src/` and `dist/`. */
export const defaultStaticDir: string = fileURLToPath(new URL('../static/', import.meta.url))

/** The types of what the window is made of; any other file is not served. */
const contentTypes: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
}

// One segment of letters, digits, `-`, `_`, then a known extension: no `/`, `..`, `%` or `\` can get through.
const fileName = /^\/([\w-]+\.(html|js|css|svg))$/

/**
 * The file a raw request path names (`/` is `index.html`), or `undefined`. Raw, not normalised:
 * `/../index.html` or `/%2e%2e/…` name nothing rather than being resolved to something.
 */
export function staticFileOf(rawUrl: string | undefined): string | undefined {
  const path = rawUrl?.split('?', 1)[0]
  if (path === '/') return 'index.html'
  return path === undefined ? undefined : fileName.exec(path)?.[1]
}

/** What the page's policy and its account meta tag need to know of the gateway. */
export interface StaticContext {
  readonly accountId: string
  /** The `host[:port]` the domain lookup tells clients, where the page connects. */
  readonly publicHost: string
  /** Whether the gateway serves TLS (then the page connects with `wss:`). */
  readonly secure: boolean
}

/**
 * The window's policy: its own scripts, styles and images only, no inline code, no framing, and
 * connections to its own origin and the gateway's public host (which differ behind a proxy).
 */
export function contentSecurityPolicy({ publicHost, secure }: StaticContext): string {
  const hosts = `${secure ? 'https' : 'http'}://${publicHost} ${secure ? 'wss' : 'ws'}://${publicHost}`
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self' ${hosts}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** Fills `<meta name="chatbridge-account">`, so the page needs no `?account=`. */
export function withAccount(html: string, accountId: string): string {
  const escaped = accountId.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  return html.replace(/<meta name="chatbridge-account" content="[^"]*">/, `<meta name="chatbridge-account" content="${escaped}">`)
}

/** Answers `name` (from {@link staticFileOf}) out of `dir`; 404 when it is not there. GET and HEAD only. */
export async function serveStaticFile(req: IncomingMessage, res: ServerResponse, dir: string, name: string, context: StaticContext): Promise<void> {
  const type = contentTypes[name.slice(name.lastIndexOf('.') + 1)]
  let body: Buffer
  try {
    if (type === undefined) throw new Error('not a window file')
    body = await readFile(join(dir, name))
  } catch {
    return replyError(res, 404, 'not found')
  }
  if (name === 'index.html') body = Buffer.from(withAccount(body.toString('utf8'), context.accountId))
  res.writeHead(200, {
    'content-type': type,
    'content-length': String(body.length),
    // The window is small and changes with the gateway: always revalidated, never stale.
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': contentSecurityPolicy(context),
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}
