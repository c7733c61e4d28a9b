import { XMLBuilder, XMLParser } from 'fast-xml-parser'
import type { LegacyChatServer } from '../src/index.js'

export type Format = 'json' | 'xml'
export const formats: readonly Format[] = ['json', 'xml']

const xmlBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@' })

/** An XML request body built with an independent builder (the §14 mapping of `document`). */
export function xmlBody(document: Record<string, unknown>): string {
  const xml: string = xmlBuilder.build(document)
  return xml
}

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false, ignoreDeclaration: true })

/** A parsed response: JSON as is, XML through an independent parser with the §14 mapping (values are strings). */
export interface RawResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly doc: unknown
}

/** A loosely typed wire object. */
export type Node = Readonly<Record<string, unknown>>

/** The value at a dotted path (`'chat.info.state'`), `undefined` when any step is missing. */
export function at(value: unknown, path: string): unknown {
  let current = value
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Node)[key]
  }
  return current
}

/** Parses a body in `format`; `undefined` when empty. */
export function parseBody(text: string, format: Format): unknown {
  if (text === '') return undefined
  try {
    return format === 'json' ? (JSON.parse(text) as unknown) : (xmlParser.parse(text) as unknown)
  } catch {
    // Fault tests read broken bodies through `text`.
    return undefined
  }
}

/** A list that the service may send as a bare object or leave out. */
export function list(value: unknown): Node[] {
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]) as Node[]
}

/** A raw visitor: fetch with the app key header, `v=1&NC=true`, and Accept for `format`. */
export function visitor(server: LegacyChatServer, format: Format = 'json') {
  const auth = { authorization: `LivePerson appKey=${server.appKey}`, accept: format === 'xml' ? 'application/xml' : 'application/json' }
  const withQuery = (url: string): string => `${url}${url.includes('?') ? '&' : '?'}v=1&NC=true`
  const request = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> => {
    const init: RequestInit = { method, headers: { ...auth, ...headers } }
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body)
      init.headers = { 'content-type': typeof body === 'string' ? 'application/xml' : 'application/json', ...auth, ...headers }
    }
    const response = await fetch(withQuery(url), init)
    const text = await response.text()
    const xml = /xml/.test(response.headers.get('content-type') ?? '')
    return { status: response.status, headers: response.headers, text, doc: parseBody(text, xml ? 'xml' : 'json') }
  }
  return {
    format,
    request,
    get: (url: string, headers?: Record<string, string>) => request('GET', url, undefined, headers),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => request('POST', url, body, headers),
    put: (url: string, body: unknown) => request('POST', url, body, { 'x-http-method-override': 'PUT' }),
    /** Starts a chat and returns its URI. */
    async startChat(body: unknown = { request: { skill: 'Sales' } }): Promise<string> {
      const response = await request('POST', `${server.accountRoot}/chat/request`, body)
      if (response.status !== 201) throw new Error(`chat request answered ${response.status}: ${response.text}`)
      return response.headers.get('location') ?? ''
    },
    /** A visitor line body in this client's format. */
    line(text: string): unknown {
      const body = { event: { '@type': 'line', text } }
      return format === 'json' ? body : xmlBody(body)
    },
    ended(): unknown {
      return format === 'json' ? { event: { '@type': 'state', state: 'ended' } } : '<event type="state"><state>ended</state></event>'
    },
    /** A `{key: value}` body in this client's format. */
    field(key: string, value: string): unknown {
      return format === 'json' ? { [key]: value } : xmlBody({ [key]: value })
    },
  }
}

/** The `link` entries of a node as `rel → href`. */
export function rels(node: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  for (const link of list(at(node, 'link'))) out[String(link['@rel'] ?? link['rel'])] = String(link['@href'] ?? link['href'])
  return out
}

/** The `rel`s of a node's links, in order. */
export function relOrder(node: unknown): string[] {
  return list(at(node, 'link')).map((link) => String(link['@rel'] ?? link['rel']))
}
