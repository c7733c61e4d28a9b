// Test-only: the real gateway serving the chat window, its consumers' sessions on the legacy chat of
// the testing server, and the browser-side record of the frames each page's sockets sent.
import type { Page } from 'playwright-core'
import { startGateway, type Gateway, type GatewayOptions } from '../../../src/index.js'
import type { ConnectionOptions } from '@chatbridge/adapter'

/** The legacy account a test gateway serves. */
export interface LegacyTarget {
  readonly accountRoot: string
  readonly appKey: string
  readonly format?: 'json' | 'xml'
  readonly pacing?: ConnectionOptions
}

/** A running gateway for the browser test, with the account it serves. */
export interface WindowGateway extends Gateway {
  readonly accountId: string
}

/** Starts the gateway on a free loopback port for the legacy account at `legacy`; `extra` overrides options. */
export async function startWindowGateway(legacy: LegacyTarget, extra: Partial<GatewayOptions> = {}): Promise<WindowGateway> {
  const accountId = new URL(legacy.accountRoot).pathname.split('/').filter(Boolean).at(-1) ?? ''
  const gateway = await startGateway({
    accountId,
    legacy: { accountRoot: legacy.accountRoot, appKey: legacy.appKey, ...(legacy.format === undefined ? {} : { format: legacy.format }), ...(legacy.pacing === undefined ? {} : { connection: legacy.pacing }) },
    ...extra,
  })
  return { ...gateway, accountId }
}

/** A request frame a page's socket sent, as the browser saw it go. */
export interface SeenFrame {
  /** 1 for the page's first socket, 2 for the next, … */
  readonly connection: number
  readonly type: string
  readonly body: unknown
  readonly headers: readonly unknown[] | undefined
}

/** Records every request frame `page` sends on its sockets, numbering the sockets. */
export function recordFrames(page: Page): readonly SeenFrame[] {
  const frames: SeenFrame[] = []
  let sockets = 0
  page.on('websocket', (ws) => {
    const connection = ++sockets
    ws.on('framesent', ({ payload }) => {
      const frame = JSON.parse(payload.toString()) as { type?: unknown; body?: unknown; headers?: unknown }
      const headers = Array.isArray(frame.headers) ? (frame.headers as unknown[]) : undefined
      if (typeof frame.type === 'string') frames.push({ connection, type: frame.type, body: frame.body, headers })
    })
  })
  return frames
}

/** The JWT of every `signup` answer `page` received, in order. */
export function recordSignups(page: Page): readonly string[] {
  const jwts: string[] = []
  page.on('response', (response) => {
    if (response.request().method() !== 'POST' || !/\/api\/account\/[^/]+\/signup$/.test(new URL(response.url()).pathname)) return
    void response.json().then((body: { jwt?: unknown }) => (typeof body.jwt === 'string' ? jwts.push(body.jwt) : undefined), () => undefined)
  })
  return jwts
}
