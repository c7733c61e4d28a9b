// One HTTP request sent as written: `fetch` would normalise `/../` away before it left, and cannot pick its source address.
import { request } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'

/** What a raw request got back. */
export interface RawResponse {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** How to send it: the method, headers, and the local address it leaves from (any 127.0.0.0/8 address reaches loopback). */
export interface RawRequestInit {
  readonly method?: string
  readonly headers?: Record<string, string>
  readonly localAddress?: string
}

/** Sends `path` (as it is, not normalised) to the server at `base`. */
export function rawRequest(base: string, path: string, init: RawRequestInit = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const options = { host: hostname, port, path, method: init.method ?? 'GET', headers: init.headers ?? {}, ...(init.localAddress === undefined ? {} : { localAddress: init.localAddress }) }
    const req = request(options, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.once('error', reject)
    req.end()
  })
}
