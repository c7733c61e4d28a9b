import { XMLParser } from 'fast-xml-parser'
import { decodeChatResource } from '@chatbridge/core'
import { Connection } from '@chatbridge/adapter'
import type { ChatClientPort, ChatSessionPort } from '@chatbridge/adapter'
// The mapping step alone is below the adapter's public surface: its unstable `internals` entry point
// serves the breakdown column only. The headline figure goes through the public `Connection`.
import { initialConversationModel, mapBatch } from '@chatbridge/adapter/internals'
import { BENCH_CHAT_URI, chatDocument, lineCount } from './documents.js'
import { cpuPerCall, fmt, pct, ratio, summarise } from './measure.js'
import type { Summary } from './measure.js'

/** One row of the decode-and-map benchmark; every rate is events per CPU-second of this process. */
export interface DecodeResult {
  readonly events: number
  readonly format: 'json' | 'xml'
  /** false: the variant with every line plain text. */
  readonly html: boolean
  /** The mean size of a page read. */
  readonly bytes: number
  /** The floor: parsing the bytes only (`JSON.parse`, fast-xml-parser's `parse`), the same pages the engine reads, in turn. */
  readonly floorEventsPerSec: Summary
  /** core's `decodeChatResource` (parse, codecs, model). Full runs only. */
  readonly decodeEventsPerSec: Summary | undefined
  /** decode + the adapter's `mapBatch` to Messaging changes, called directly. Full runs only. */
  readonly mappedEventsPerSec: Summary | undefined
  /** The whole engine: a `Connection` polling a fake session that decodes the text, changes emitted to a subscriber. */
  readonly engineEventsPerSec: Summary
  /** engine / floor of the same format, per run, summarised. */
  readonly ratio: Summary
  /** engine / the JSON parse floor of the same events (the target is ≥ 0.5×). */
  readonly ratioToJsonFloor: number
}

// The floor parser: fast-xml-parser as a caller would set it up for this mapping, minus the codecs.
const floorXml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false })

const CONVERSATION = 'H1-benchK1'

/**
 * Feeds `pages` (consecutive chat documents) through a `Connection` as a chat's polls, as fast as
 * the engine's pacing allows (1 ms), and returns the CPU microseconds until every line of every
 * page was emitted. The session is fake; the decoding and everything after it are the real thing.
 */
async function engineCpuMicros(pages: readonly string[], format: 'json' | 'xml', expected: number): Promise<number> {
  let page = 0
  const read = (): ReturnType<ChatSessionPort['snapshot']> => {
    const text = pages[page]
    page += 1
    // After the last page the poll never settles; the subscriber has left by then.
    return text === undefined ? new Promise(() => undefined) : Promise.resolve(decodeChatResource(text, { format, uri: BENCH_CHAT_URI }))
  }
  const refuse = (): Promise<never> => Promise.reject(new Error('not in this benchmark'))
  const session: ChatSessionPort = {
    conversationId: CONVERSATION,
    snapshot: read,
    followNext: read,
    addLine: refuse,
    end: refuse,
    setVisitorName: refuse,
    setVisitorTyping: refuse,
  }
  const client: ChatClientPort = { startChat: refuse, attach: () => session, close: () => Promise.resolve() }
  const connection = new Connection(client, { chattingIntervalMs: 1, lastSubscriberGraceMs: 0 })
  const cpu = process.cpuUsage()
  let subscription: { unsubscribe(): void } | undefined
  await new Promise<void>((resolve, reject) => {
    let seen = 0
    subscription = connection.messagingEvents$(CONVERSATION).subscribe({
      next: () => {
        seen += 1
        if (seen === expected) resolve()
      },
      error: reject,
      complete: () => reject(new Error(`completed after ${seen} of ${expected} changes`)),
    })
  })
  const used = process.cpuUsage(cpu)
  subscription?.unsubscribe()
  await connection.close()
  return used.user + used.system
}

/** How many consecutive pages one engine run reads: enough work to measure, little enough to be quick. */
function pagesFor(events: number, quick: boolean): number {
  return events <= 10 ? (quick ? 100 : 300) : events <= 1000 ? (quick ? 5 : 20) : 1
}

/** One document shape to measure. */
export interface DecodeCase {
  readonly events: number
  readonly formats: ReadonlyArray<'json' | 'xml'>
  /** Agent lines as HTML (the default mix) or every line plain text (no HTML conversion at all). */
  readonly html: boolean
}

/**
 * Events per CPU-second of parse-only vs chatbridge, for each case and format, interleaved run by
 * run. `detail(events)` adds the decode-only and decode + map columns (they double the time).
 */
export async function runDecodeBench(
  cases: readonly DecodeCase[],
  runs: (events: number) => number,
  minMs: number,
  detail: (events: number) => boolean,
  quick: boolean,
): Promise<DecodeResult[]> {
  const results: DecodeResult[] = []
  const jsonFloor = new Map<number, number>()
  for (const { events, formats, html } of cases) {
    const docs = Array.from({ length: pagesFor(events, quick) }, (_, k) => chatDocument(events, k * events, html))
    const expected = docs.reduce((sum, _doc, k) => sum + lineCount(events, k * events), 0)
    for (const format of formats) {
      const pages = docs.map((doc) => doc[format])
      // Every column reads the pages the engine reads, in turn: the first alone is the smallest
      // (its ids and times are the shortest), and parsing it over and over was 5-8% quicker than
      // parsing the twenty, so the floor stood for less work than the engine's.
      let turn = 0
      const next = (): string => pages[turn++ % pages.length] ?? ''
      const samples = { floor: [] as number[], decode: [] as number[], mapped: [] as number[], engine: [] as number[], ratio: [] as number[] }
      const parse = format === 'json' ? () => JSON.parse(next()) as unknown : () => floorXml.parse(next()) as unknown
      const decode = () => decodeChatResource(next(), { format, uri: BENCH_CHAT_URI })
      const mapped = () => {
        const snapshot = decode()
        return mapBatch(initialConversationModel({ conversationId: CONVERSATION }), snapshot.events.events, snapshot.info, 0)
      }
      const rate = (micros: number, n = events): number => n / (micros / 1e6)
      for (let run = 0; run < runs(events); run += 1) {
        const floorRate = rate(cpuPerCall(parse, minMs))
        samples.floor.push(floorRate)
        if (detail(events)) {
          samples.decode.push(rate(cpuPerCall(decode, minMs)))
          samples.mapped.push(rate(cpuPerCall(mapped, minMs)))
        }
        const engineRate = rate(await engineCpuMicros(pages, format, expected), events * pages.length)
        samples.engine.push(engineRate)
        samples.ratio.push(engineRate / floorRate)
      }
      const floor = summarise(samples.floor)
      const engine = summarise(samples.engine)
      if (format === 'json' && html) jsonFloor.set(events, floor.median)
      results.push({
        events,
        format,
        html,
        bytes: pages.reduce((sum, page) => sum + Buffer.byteLength(page), 0) / pages.length,
        floorEventsPerSec: floor,
        decodeEventsPerSec: samples.decode.length > 0 ? summarise(samples.decode) : undefined,
        mappedEventsPerSec: samples.mapped.length > 0 ? summarise(samples.mapped) : undefined,
        engineEventsPerSec: engine,
        ratio: summarise(samples.ratio),
        ratioToJsonFloor: engine.median / (jsonFloor.get(events) ?? floor.median),
      })
    }
  }
  return results
}

/** Table rows for {@link runDecodeBench}. */
export function decodeRows(results: readonly DecodeResult[]): Array<Record<string, string>> {
  return results.map((r) => ({
    events: fmt(r.events),
    format: r.html ? r.format : `${r.format}, no HTML`,
    KiB: fmt(r.bytes / 1024, 1),
    'parse floor ev/s': fmt(r.floorEventsPerSec.median),
    'decode ev/s': r.decodeEventsPerSec === undefined ? '–' : fmt(r.decodeEventsPerSec.median),
    'decode+map ev/s': r.mappedEventsPerSec === undefined ? '–' : fmt(r.mappedEventsPerSec.median),
    'chatbridge ev/s': fmt(r.engineEventsPerSec.median),
    'vs floor': ratio(r.ratio.median),
    'vs JSON floor (≥0.50×)': ratio(r.ratioToJsonFloor),
    'µs/event': fmt(1e6 / r.engineEventsPerSec.median, 2),
    noise: pct(Math.max(r.floorEventsPerSec.spread, r.engineEventsPerSec.spread)),
  }))
}
