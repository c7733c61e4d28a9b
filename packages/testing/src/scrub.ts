// scrubRecording: removes app keys and personal fields from a recording, in JSON and XML alike.
import type { Definition } from 'nock'
import { parseDocument } from './representation.js'
import { toXml } from './xml-mapping.js'

/** A recorded interceptor: nock's recording format (`nock.recorder.play()` with `output_objects`). */
export type RecordedInterceptor = Definition & { readonly responseIsBinary?: boolean }

/** What {@link scrubRecording} replaces, and with what. */
export interface ScrubOptions {
  /** App keys to remove besides those found in `Authorization` headers and `appKey` query parameters. */
  readonly appKeys?: readonly string[]
  /** What replaces an app key. Default 32 zeros. */
  readonly appKeyPlaceholder?: string
  /**
   * Personal fields, by name, and their placeholders. Their values are replaced wherever the name
   * appears (JSON keys, XML elements, query parameters) and the same values anywhere else in the
   * recording (e.g. a visitor line's `by`). Default {@link defaultPersonalFields}.
   */
  readonly personalFields?: Readonly<Record<string, string>>
  /** More literal values to remove (e.g. a name typed into a line), replaced with `scrubbed`. */
  readonly secrets?: readonly string[]
}

/** The personal fields scrubbed by default, with their placeholders. */
export const defaultPersonalFields: Readonly<Record<string, string>> = {
  visitorName: 'Visitor',
  email: 'visitor@example.invalid',
  visitorIp: '192.0.2.1',
  ip: '192.0.2.1',
  ipAddress: '192.0.2.1',
  userAgent: 'scrubbed-user-agent',
}

/**
 * Secret fields, scrubbed whatever `personalFields` says: the authenticated visitor's SSO key (an
 * OAuth code or a brand's JWT) proves who the visitor is, and must never reach a fixture.
 */
export const secretFields: Readonly<Record<string, string>> = { ssoKey: 'scrubbed-sso-key' }
const jwtPlaceholder = 'scrubbed-jwt'
// A JWT anywhere (a header, a query, a custom variable): three base64url parts, the first a JSON header.
const jwtPattern = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g

const defaultAppKeyPlaceholder = '0'.repeat(32)
// The service's default visitor name is not personal, and replacing it would rewrite system lines.
const notPersonal = new Set(['You', 'you'])
// Request headers that identify the visitor or carry the key.
const personalHeaders: Readonly<Record<string, string>> = { 'user-agent': 'scrubbed-user-agent', 'x-forwarded-for': '192.0.2.1', cookie: 'scrubbed' }

/**
 * Removes the app key and personal fields from a recording, in request and response bodies (JSON
 * and XML), paths, and headers, and every `ssoKey` ({@link secretFields}) and JWT-shaped value
 * whatever the options say. Returns a new recording; the input is not changed.
 */
export function scrubRecording(recording: readonly RecordedInterceptor[], options: ScrubOptions = {}): RecordedInterceptor[] {
  const fields = { ...(options.personalFields ?? defaultPersonalFields), ...secretFields }
  const keyPlaceholder = options.appKeyPlaceholder ?? defaultAppKeyPlaceholder
  const replacements = new Map<string, string>()
  for (const key of options.appKeys ?? []) replacements.set(key, keyPlaceholder)
  for (const secret of options.secrets ?? []) replacements.set(secret, 'scrubbed')
  for (const interceptor of recording) collect(interceptor, fields, keyPlaceholder, replacements)
  for (const value of [...replacements.keys()]) if (value.length < 3 || notPersonal.has(value)) replacements.delete(value)
  // Longer values first, so a value containing another is replaced whole.
  const ordered = [...replacements.entries()].sort(([a], [b]) => b.length - a.length).flatMap(([value, placeholder]) => variants(value).map((v) => [v, placeholder] as const))
  const replaceText = (text: string): string =>
    ordered.reduce((out, [value, placeholder]) => (out.includes(value) ? out.split(value).join(placeholder) : out), text).replace(jwtPattern, jwtPlaceholder)
  return recording.map((interceptor) => scrubInterceptor(interceptor, fields, keyPlaceholder, replaceText))
}

/** The forms a value takes in a recording: raw, escaped in XML text and attributes (by the XML mapping's builder), URL-encoded. */
function variants(value: string): string[] {
  const text = toXml({ v: value }, { declaration: false }).slice('<v>'.length, -'</v>'.length)
  const attribute = toXml({ v: { '@a': value } }, { declaration: false }).slice('<v a="'.length, -'"/>'.length)
  return [...new Set([value, text, attribute, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)])]
}

function collect(interceptor: RecordedInterceptor, fields: Readonly<Record<string, string>>, keyPlaceholder: string, into: Map<string, string>): void {
  const authorization = interceptor.reqheaders?.['authorization']
  if (typeof authorization === 'string') {
    const key = /appKey=(\S+)/i.exec(authorization)?.[1]
    if (key !== undefined) into.set(key, keyPlaceholder)
  }
  if (typeof interceptor.path === 'string') {
    const q = interceptor.path.indexOf('?')
    for (const [name, value] of new URLSearchParams(q < 0 ? '' : interceptor.path.slice(q + 1))) {
      if (name.toLowerCase() === 'appkey') into.set(value, keyPlaceholder)
      const placeholder = fields[name]
      if (placeholder !== undefined) into.set(value, placeholder)
    }
  }
  for (const [header, placeholder] of Object.entries(personalHeaders)) {
    const value = interceptor.reqheaders?.[header]
    if (typeof value === 'string') into.set(value, placeholder)
  }
  for (const body of [interceptor.body, interceptor.response]) walkValues(asDocument(body), fields, into)
}

/** A body as a document: JSON objects as they are, JSON or XML text parsed; anything else `undefined`. */
function asDocument(body: unknown): unknown {
  if (typeof body !== 'string') return body
  const text = body.trim()
  try {
    if (text.startsWith('{') || text.startsWith('[')) return parseDocument(text, 'json')
    if (text.startsWith('<')) return parseDocument(text, 'xml')
  } catch {
    // A malformed body has no fields to find; the values found elsewhere are still replaced in it.
  }
  return undefined
}

function walkValues(value: unknown, fields: Readonly<Record<string, string>>, into: Map<string, string>): void {
  if (Array.isArray(value)) {
    for (const item of value) walkValues(item, fields, into)
    return
  }
  if (typeof value !== 'object' || value === null) return
  const record = value as Record<string, unknown>
  for (const [key, child] of Object.entries(record)) {
    const placeholder = fields[key]
    if (placeholder !== undefined && (typeof child === 'string' || typeof child === 'number')) into.set(String(child), placeholder)
    else walkValues(child, fields, into)
  }
  const visitorName = fields['visitorName']
  if (record['source'] === 'visitor' && typeof record['by'] === 'string' && visitorName !== undefined) into.set(record['by'], visitorName)
}

function scrubInterceptor(
  interceptor: RecordedInterceptor,
  fields: Readonly<Record<string, string>>,
  keyPlaceholder: string,
  replaceText: (text: string) => string,
): RecordedInterceptor {
  const scrubValue = (value: unknown): unknown => {
    if (typeof value === 'string') return replaceText(value)
    if (Array.isArray(value)) return value.map(scrubValue)
    if (typeof value !== 'object' || value === null) return value
    const out: Record<string, unknown> = {}
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const placeholder = fields[key]
      out[key] = placeholder !== undefined && (typeof child === 'string' || typeof child === 'number') ? placeholder : scrubValue(child)
    }
    return out
  }
  let reqheaders: RecordedInterceptor['reqheaders']
  if (interceptor.reqheaders !== undefined) {
    reqheaders = {}
    for (const [name, value] of Object.entries(interceptor.reqheaders)) {
      const lower = name.toLowerCase()
      if (lower === 'authorization' && typeof value === 'string') reqheaders[name] = value.replace(/appKey=\S+/i, `appKey=${keyPlaceholder}`)
      else reqheaders[name] = personalHeaders[lower] ?? (scrubValue(value) as typeof value)
    }
  }
  return {
    ...interceptor,
    path: typeof interceptor.path === 'string' ? scrubPath(interceptor.path, fields, keyPlaceholder, replaceText) : interceptor.path,
    ...(interceptor.body === undefined ? {} : { body: scrubValue(interceptor.body) as NonNullable<RecordedInterceptor['body']> }),
    ...(interceptor.response === undefined ? {} : { response: scrubValue(interceptor.response) as NonNullable<RecordedInterceptor['response']> }),
    ...(interceptor.rawHeaders === undefined ? {} : { rawHeaders: scrubValue(interceptor.rawHeaders) as NonNullable<RecordedInterceptor['rawHeaders']> }),
    ...(reqheaders === undefined ? {} : { reqheaders }),
  }
}

function scrubPath(path: string, fields: Readonly<Record<string, string>>, keyPlaceholder: string, replaceText: (text: string) => string): string {
  const q = path.indexOf('?')
  if (q < 0) return replaceText(path)
  const params = new URLSearchParams(path.slice(q + 1))
  for (const [name] of [...params]) {
    if (name.toLowerCase() === 'appkey') params.set(name, keyPlaceholder)
    else if (fields[name] !== undefined) params.set(name, fields[name])
  }
  return `${replaceText(path.slice(0, q))}?${replaceText(params.toString())}`
}
