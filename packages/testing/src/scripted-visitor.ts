// A raw-fetch visitor (ScriptedVisitor) that drives the fixture recordings.
import type { WireFormatName } from './representation.js'
import { mediaTypes, parseDocument } from './representation.js'
import { toXml } from './xml-mapping.js'

/**
 * A minimal visitor over raw `fetch`, sending what chatbridge's client sends (app key header,
 * `v=1&NC=true`, `Accept` by format, one event per POST) and following `next` links. It drives
 * recordings; it is not a client to build on.
 */
export class ScriptedVisitor {
  /** The chat URI from `Location`, once the chat started. */
  chatUri = ''
  #next = ''
  readonly #accountRoot: string
  readonly #appKey: string
  readonly #format: WireFormatName

  constructor(accountRoot: string, appKey: string, format: WireFormatName) {
    this.#accountRoot = accountRoot
    this.#appKey = appKey
    this.#format = format
  }

  /** Posts the chat request (`{"request": request}`); returns the chat URI. */
  async startChat(request: Readonly<Record<string, unknown>>): Promise<string> {
    const response = await this.#send('POST', `${this.#accountRoot}/chat/request`, { request })
    this.chatUri = response.headers.get('location') ?? ''
    this.#next = this.chatUri
    return this.chatUri
  }

  /** GETs the last `next` link (the chat resource at first); returns the status and the parsed document. */
  async poll(): Promise<{ status: number; document: Record<string, unknown> | undefined }> {
    const response = await this.#send('GET', this.#next)
    const document = await this.#read(response)
    const chat = document?.['chat'] as Record<string, unknown> | undefined
    const links = chat?.['link']
    for (const link of Array.isArray(links) ? (links as Record<string, unknown>[]) : []) {
      if (link['@rel'] === 'next' && typeof link['@href'] === 'string') this.#next = link['@href']
    }
    return { status: response.status, document }
  }

  /** Adds a line; returns the status. */
  async say(text: string): Promise<number> {
    return (await this.#send('POST', `${this.chatUri}/events`, { event: { '@type': 'line', text } })).status
  }

  /** Ends the chat; returns the status. */
  async end(): Promise<number> {
    return (await this.#send('POST', `${this.chatUri}/events`, { event: { '@type': 'state', state: 'ended' } })).status
  }

  /** Sets the visitor's name; returns the status. */
  async setName(visitorName: string): Promise<number> {
    return (await this.#send('PUT', `${this.chatUri}/info/visitorName`, { visitorName })).status
  }

  /** Sets the visitor's typing status; returns the status. */
  async setTyping(on: boolean): Promise<number> {
    return (await this.#send('PUT', `${this.chatUri}/info/visitorTyping`, { visitorTyping: on ? 'typing' : 'not-typing' })).status
  }

  /** Asks for a transcript by email; returns the status. */
  async requestTranscript(email: string): Promise<number> {
    return (await this.#send('PUT', `${this.chatUri}/transcriptRequest`, { email })).status
  }

  /** GETs any URI (the account resource, a survey); returns the status and the parsed document. */
  async read(uri: string): Promise<{ status: number; document: Record<string, unknown> | undefined }> {
    const response = await this.#send('GET', uri)
    return { status: response.status, document: await this.#read(response) }
  }

  /** POSTs `body` to any URI (the `conversation` call); returns the status and the parsed document. */
  async post(uri: string, body: Readonly<Record<string, unknown>>): Promise<{ status: number; document: Record<string, unknown> | undefined }> {
    const response = await this.#send('POST', uri, body)
    return { status: response.status, document: await this.#read(response) }
  }

  /** GETs the chat's info; returns the status. */
  async info(): Promise<number> {
    const response = await this.#send('GET', `${this.chatUri}/info`)
    await response.arrayBuffer()
    return response.status
  }

  async #send(method: 'GET' | 'POST' | 'PUT', uri: string, body?: Readonly<Record<string, unknown>>): Promise<Response> {
    const headers: Record<string, string> = { authorization: `LivePerson appKey=${this.#appKey}`, accept: mediaTypes[this.#format] }
    const init: RequestInit = { method: method === 'PUT' ? 'POST' : method, headers }
    if (method === 'PUT') headers['x-http-method-override'] = 'PUT'
    if (body !== undefined) {
      // Like chatbridge's client, a body with several top-level fields goes as JSON even in XML mode.
      const format = Object.keys(body).length === 1 ? this.#format : 'json'
      headers['content-type'] = mediaTypes[format]
      init.body = format === 'json' ? JSON.stringify(body) : toXml(body, { declaration: false })
    }
    const separator = uri.includes('?') ? '&' : '?'
    return fetch(`${uri}${separator}v=1&NC=true`, init)
  }

  async #read(response: Response): Promise<Record<string, unknown> | undefined> {
    const text = await response.text()
    if (text === '') return undefined
    return parseDocument(text, this.#format) as Record<string, unknown>
  }
}
