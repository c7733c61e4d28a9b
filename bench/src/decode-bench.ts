import { XMLParser } from 'fast-xml-parser'
import { decodeChatResource } from '@chatbridge/core'
import { BENCH_CHAT_URI, chatDocument } from './documents.js'
import { fmt, pct, ratio, summarise, timePerCall } from './measure.js'
import type { Summary } from './measure.js'

/** One row of the decode benchmark. */
export interface DecodeResult {
  readonly events: number
  readonly format: 'json' | 'xml'
  readonly bytes: number
  /** Events per second of the floor: parsing the bytes only. */
  readonly floorEventsPerSec: Summary
  /** Events per second of the pipeline: parse, decode with the codecs, build the model. */
  readonly pipelineEventsPerSec: Summary
  /** pipeline / floor, per run, summarised. */
  readonly ratio: Summary
  /** pipeline / the JSON parse floor of the same events (the target is ≥ 0.5×). */
  readonly ratioToJsonFloor: number
}

// The floor parser: fast-xml-parser as a caller would set it up for this mapping, minus the codecs.
const floorXml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false })

/** Events/s of parse-only vs the whole decode, for each size and format, interleaved run by run. */
export function runDecodeBench(sizes: readonly number[], runs: number, minMs: number): DecodeResult[] {
  const results: DecodeResult[] = []
  const jsonFloor = new Map<number, number>()
  for (const events of sizes) {
    const doc = chatDocument(events)
    for (const format of ['json', 'xml'] as const) {
      const text = doc[format]
      const floor: number[] = []
      const pipeline: number[] = []
      const ratios: number[] = []
      const parse = format === 'json' ? () => JSON.parse(text) as unknown : () => floorXml.parse(text) as unknown
      const decode = () => decodeChatResource(text, { format, uri: BENCH_CHAT_URI })
      for (let run = 0; run < runs; run += 1) {
        const floorRate = events / (timePerCall(parse, minMs) / 1000)
        const pipelineRate = events / (timePerCall(decode, minMs) / 1000)
        floor.push(floorRate)
        pipeline.push(pipelineRate)
        ratios.push(pipelineRate / floorRate)
      }
      const pipelineSummary = summarise(pipeline)
      const floorSummary = summarise(floor)
      if (format === 'json') jsonFloor.set(events, floorSummary.median)
      results.push({
        events,
        format,
        bytes: Buffer.byteLength(text),
        floorEventsPerSec: floorSummary,
        pipelineEventsPerSec: pipelineSummary,
        ratio: summarise(ratios),
        ratioToJsonFloor: pipelineSummary.median / (jsonFloor.get(events) ?? floorSummary.median),
      })
    }
  }
  return results
}

/** Table rows for {@link runDecodeBench}. */
export function decodeRows(results: readonly DecodeResult[]): Array<Record<string, string>> {
  return results.map((r) => ({
    events: fmt(r.events),
    format: r.format,
    'KiB': fmt(r.bytes / 1024, 1),
    'parse floor ev/s': fmt(r.floorEventsPerSec.median),
    'chatbridge ev/s': fmt(r.pipelineEventsPerSec.median),
    'vs floor': ratio(r.ratio.median),
    'vs JSON floor (≥0.50×)': ratio(r.ratioToJsonFloor),
    noise: pct(Math.max(r.floorEventsPerSec.spread, r.pipelineEventsPerSec.spread)),
  }))
}
