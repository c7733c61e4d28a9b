// The live transcript: each Messaging frame next to the legacy event it came from, or NDJSON.
import { styleText } from 'node:util'
import type { ChatEvent } from '@chatbridge/core'
import type { ExConversationChange, MessagingEventChange, MessagingRole, RequestFrame, ResponseFrame, ServerFrame } from '@chatbridge/adapter'
import { type LegacyTap, type LegacyWrite, quote } from './legacy-tap.js'

type Style = Parameters<typeof styleText>[0]

/** Where the transcript goes and how it looks. */
export interface TranscriptOptions {
  /** Print the Messaging frames as NDJSON (one JSON frame a line) instead of the readable transcript. */
  readonly json: boolean
  /** Colour the readable transcript (off when not a terminal or `NO_COLOR` is set). */
  readonly colour: boolean
  /** Terminal width; below 100 the legacy side goes on its own line. Default 120. */
  readonly columns?: number | undefined
  /** Receives each line of the transcript (without newline). */
  readonly write: (line: string) => void
  /** Receives status lines (to standard error in `--json` mode, so standard output stays NDJSON). */
  readonly status: (line: string) => void
}

/** Whether to colour output written to `stream`: a terminal, and `NO_COLOR` unset (`FORCE_COLOR` forces it). */
export function colourFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true
  return stream.isTTY === true
}

const roleStyle: Partial<Record<MessagingRole, Style>> = { CONSUMER: 'cyan', ASSIGNED_AGENT: 'green', CONTROLLER: 'magenta' }

/**
 * The live transcript: each Messaging frame the socket delivered, rendered on the left, next to
 * the legacy event (or info change, or write) it came from on the right; or, with `json`, the
 * frames themselves as NDJSON.
 */
export class Transcript {
  readonly #options: TranscriptOptions
  readonly #tap: LegacyTap
  readonly #left: number
  readonly #sideBySide: boolean

  constructor(tap: LegacyTap, options: TranscriptOptions) {
    this.#tap = tap
    this.#options = options
    const columns = options.columns ?? 120
    this.#sideBySide = columns >= 100
    this.#left = this.#sideBySide ? Math.min(64, Math.floor(columns * 0.55)) : columns
  }

  /** Prints the column headings (readable mode only). */
  heading(): void {
    if (this.#options.json) return
    this.#row([['Messaging Window API (what your code receives)', 'bold']], [['legacy Chat REST API (what chatbridge did)', 'bold']])
  }

  /** A status line: to the transcript in readable mode, to `status` in `--json` mode. */
  note(text: string): void {
    if (this.#options.json) this.#options.status(text)
    else this.#options.write(this.#paint(text, 'dim'))
  }

  /** A request this client sent on the socket (readable mode only). */
  request(frame: RequestFrame): void {
    if (this.#options.json) return
    const body = summariseBody(frame.body)
    this.#row([[`→ ${frame.type}`, 'blue'], [body === '' ? '' : ` ${body}`, 'dim']], [])
  }

  /** A legacy write the engine made (readable mode only). */
  legacyWrite(write: LegacyWrite): void {
    if (this.#options.json) return
    this.#row([], [[write.description, write.ok ? 'dim' : 'red']])
  }

  /** A frame the socket delivered: printed as NDJSON, or rendered. `raw` is its JSON text. */
  frame(frame: ServerFrame, raw: string): void {
    if (this.#options.json) {
      this.#options.write(raw)
      return
    }
    switch (frame.kind) {
      case 'resp':
        this.#response(frame)
        return
      case 'notification':
        if (frame.type === 'ms.MessagingEventNotification') for (const change of frame.body.changes) this.#messaging(change)
        else if (frame.type === 'cqm.ExConversationChangeNotification') for (const change of frame.body.changes) this.#conversation(change)
        else {
          for (const change of frame.body.changes) {
            const legacy = this.#tap.event(change.conversationId, change.sequence)
            const right = legacy === undefined ? `#${change.sequence} ${JSON.stringify(change.metadata)}` : `${describeEvent(legacy)} ${JSON.stringify(legacy.raw)}`
            this.#row([[`#${String(change.sequence).padEnd(3)}`, 'dim'], ['chatbridge.LegacyEventNotification', 'yellow']], [[right, 'dim']])
          }
        }
    }
  }

  #response(frame: ResponseFrame): void {
    const ok = frame.code >= 200 && frame.code < 300
    const body = typeof frame.body === 'object' && frame.body !== null ? ` ${summariseBody(frame.body)}` : ''
    if (!ok) this.#row([[`← ${frame.code} ${frame.type} ${typeof frame.body === 'string' ? frame.body : JSON.stringify(frame.body)}`, 'red']], [])
    else if (body !== '') this.#row([[`← ${frame.code} ${frame.type}`, 'blue'], [body, 'dim']], [])
  }

  #conversation(change: ExConversationChange): void {
    const details = change.result.conversationDetails
    const participants = details.participants.map((p) => (p.role === 'CONSUMER' ? p.role : `${p.role} ${p.id}`)).join(', ')
    const left: Segment[] = [[`● conversation ${details.state}`, details.state === 'OPEN' ? 'yellow' : 'bold']]
    left.push(details.state === 'CLOSE' ? [` closeReason ${details.closeReason ?? '?'}`, 'yellow'] : [` participants ${participants}`, 'dim'])
    const conversationId = change.result.convId
    const source = this.#tap.takeStateEventAt(conversationId, change.result.lastUpdateTime)
    const info = this.#tap.info(conversationId)
    const right: string[] = []
    if (source !== undefined) right.push(describeEvent(source))
    if (details.state === 'OPEN' && details.participants.some((p) => p.role === 'ASSIGNED_AGENT') && info?.agentName !== undefined) {
      right.push(`info agentName ${info.agentName}${info.agentId === undefined ? '' : `, agentId ${info.agentId}`}`)
    }
    if (right.length === 0) right.push(info === undefined ? 'chat gone (404, internalCode 12)' : `info state ${info.state}`)
    this.#row(left, [[right.join(' · '), 'dim']])
  }

  #messaging(change: MessagingEventChange): void {
    const role = change.originatorMetadata.role
    const who: Segment = [role.padEnd(15), roleStyle[role] ?? 'white']
    if (!('sequence' in change)) {
      const state = change.event.chatState
      const typing = state === 'COMPOSING' ? 'is typing… (COMPOSING)' : state === 'ACTIVE' ? 'stopped typing (ACTIVE)' : state
      const info = this.#tap.info(change.conversationId)
      this.#row([['   ', 'dim'], who, [typing, 'italic']], [[`info agentTyping ${info?.agentTyping ?? '?'}`, 'dim']])
      return
    }
    const seq: Segment = [`#${String(change.sequence).padEnd(3)}`, 'dim']
    const legacy = this.#tap.event(change.conversationId, change.sequence)
    const right: Segment[] = [[legacy === undefined ? `#${change.sequence}` : describeEvent(legacy), 'dim']]
    const event = change.event
    switch (event.type) {
      case 'ContentEvent':
        this.#row([seq, who, [event.message, 'white']], right)
        return
      case 'AcceptStatusEvent':
        this.#row([seq, who, [`${event.status} [${event.sequenceList.join(', ')}]`, 'italic']], right)
        return
      default:
        this.#row([seq, who, [event.type, 'italic']], right)
    }
  }

  #row(left: readonly Segment[], right: readonly Segment[]): void {
    const plainLeft = left.map(([text]) => text).join('')
    const paintedLeft = left.map(([text, style]) => this.#paint(text, style)).join('')
    const plainRight = right.map(([text]) => text).join('')
    const paintedRight = right.map(([text, style]) => this.#paint(text, style)).join('')
    const gutter = this.#paint(' │ ', 'gray')
    if (plainRight === '') {
      this.#options.write(paintedLeft)
    } else if (!this.#sideBySide) {
      if (plainLeft !== '') this.#options.write(paintedLeft)
      this.#options.write(`${this.#paint('   ↳ ', 'gray')}${paintedRight}`)
    } else if (plainLeft.length <= this.#left) {
      this.#options.write(`${paintedLeft}${' '.repeat(this.#left - plainLeft.length)}${gutter}${paintedRight}`)
    } else {
      this.#options.write(paintedLeft)
      this.#options.write(`${' '.repeat(this.#left)}${gutter}${paintedRight}`)
    }
  }

  #paint(text: string, style: Style): string {
    return this.#options.colour && text !== '' ? styleText(style, text) : text
  }
}

type Segment = readonly [text: string, style: Style]

/** One legacy event in a few words: `#4 line agent html "<p>Hi…"`. */
export function describeEvent(event: ChatEvent): string {
  switch (event.type) {
    case 'state':
      return `#${event.id} state ${event.state}`
    case 'line': {
      const kind = event.textType === 'html' ? ' html' : ''
      const system = event.systemMessageId === undefined ? '' : ` systemMessageId ${event.systemMessageId}`
      return `#${event.id} line ${event.source}${kind}${system} ${quote(event.text, 48)}`
    }
    case 'url':
      return `#${event.id} url ${event.url}`
    case 'line-status':
      return `#${event.id} line-status ${event.lineStatus} ref ${String(event.refSequenceId)}`
    case 'a2a-transfer':
      return `#${event.id} a2a-transfer to ${event.domain ?? '?'} site ${event.remoteSiteId ?? '?'}`
    case 'unknown':
      return `#${event.id} ${event.legacyType}`
  }
}

function summariseBody(body: unknown): string {
  if (typeof body !== 'object' || body === null) return body === undefined ? '' : JSON.stringify(body)
  const record = body as Record<string, unknown>
  const event = record['event']
  if (typeof event === 'object' && event !== null) {
    const e = event as Record<string, unknown>
    if (typeof e['message'] === 'string') return `${String(e['type'])} ${quote(e['message'], 60)}`
    return JSON.stringify(event)
  }
  const text = JSON.stringify(body)
  return text === '{}' ? '' : text.length > 90 ? `${text.slice(0, 89)}…` : text
}
