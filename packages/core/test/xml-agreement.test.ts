// Core's XML mapping and the testing server's are written apart on purpose (one shared mapping would
// let one bug hide on both sides); this file proves they agree on every document the recorded chats
// hold, in both directions: what the server writes core reads, and what core writes the server reads.
import { describe, expect, it } from 'vitest'
import { defaultPersonalFields, fixtureNames, fromXml, readFixture, toXml } from '@chatbridge/testing'
import type { FixtureName, RecordedInterceptor } from '@chatbridge/testing'
import { wireFormat } from '../src/wire-format.js'

const xml = wireFormat('xml')
const json = wireFormat('json')

/**
 * The JSON shape with every scalar as its text: what an XML document can carry. The XML mapping has
 * no types (`parseTagValue: false` on both sides), so `"chatTimeout": 40` and `<chatTimeout>40`
 * agree when the one is `'40'`; the codecs decide what is a number.
 */
function asText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asText)
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, asText(child)]))
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value
}

/**
 * The document with each personal field (`visitorName`, `email`, …) at its placeholder. The recorder
 * scrubs JSON by key but XML text by value, so the service's default name `You`, which is not
 * personal, stays in XML and becomes `Visitor` in JSON: the one way the twins differ by recording.
 */
function scrubbedAlike(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubbedAlike)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, typeof child === 'string' ? (defaultPersonalFields[key] ?? child) : scrubbedAlike(child)]))
}

/** A recorded body or response as JSON text, or `undefined` when there is none. */
function jsonText(value: RecordedInterceptor['body'] | RecordedInterceptor['response']): string | undefined {
  if (value === undefined || value === '') return undefined
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** A recorded XML body or response, or `undefined` when there is none. */
function xmlText(value: RecordedInterceptor['body'] | RecordedInterceptor['response']): string | undefined {
  if (value === undefined || value === '') return undefined
  if (typeof value !== 'string' || !value.trimStart().startsWith('<')) throw new Error(`not an XML document: ${JSON.stringify(value).slice(0, 80)}`)
  return value
}

interface Twin {
  readonly what: string
  readonly xml: string
  readonly json: string
}

/** Every XML document of a recorded chat beside its JSON twin (the same exchange of the JSON recording). */
function twins(name: FixtureName, side: 'body' | 'response'): Twin[] {
  const xmlRecording = readFixture(name, 'xml')
  const jsonRecording = readFixture(name, 'json')
  // The two recordings run the same scenario on the same seed and clock: exchange for exchange alike.
  expect(xmlRecording.map((i) => `${i.method} ${String(i.path)} ${i.status}`)).toEqual(jsonRecording.map((i) => `${i.method} ${String(i.path)} ${i.status}`))
  const out: Twin[] = []
  xmlRecording.forEach((interceptor, index) => {
    const xmlDocument = xmlText(interceptor[side])
    const jsonDocument = jsonText(jsonRecording[index]?.[side])
    expect(xmlDocument === undefined).toBe(jsonDocument === undefined)
    if (xmlDocument !== undefined && jsonDocument !== undefined) {
      out.push({ what: `${name} #${index} ${interceptor.method} ${String(interceptor.path)} (${side})`, xml: xmlDocument, json: jsonDocument })
    }
  })
  return out
}

const responses = fixtureNames.flatMap((name) => twins(name, 'response'))
const requests = fixtureNames.flatMap((name) => twins(name, 'body'))

describe('the XML the testing server writes, as core reads it', () => {
  it('covers every kind of document the recordings hold', () => {
    const roots = new Set(responses.map((twin) => Object.keys(fromXml(twin.xml))[0]))
    expect([...roots].sort()).toEqual(['chat', 'error', 'info'])
    expect(requests.length).toBeGreaterThanOrEqual(fixtureNames.length * 2)
  })

  it.each(responses.map((twin) => [twin.what, twin] as const))('%s: core reads the XML as the JSON twin, scalars as text', (_, twin) => {
    expect(scrubbedAlike(xml.parse(twin.xml))).toEqual(scrubbedAlike(asText(json.parse(twin.json))))
  })

  it.each(responses.map((twin) => [twin.what, twin] as const))('%s: core reads the XML as testing reads it', (_, twin) => {
    expect(xml.parse(twin.xml)).toEqual(fromXml(twin.xml))
  })
})

describe('request bodies, both ways', () => {
  it.each(requests.map((twin) => [twin.what, twin] as const))('%s: core reads the body testing wrote as its JSON twin', (_, twin) => {
    expect(xml.parse(twin.xml)).toEqual(asText(json.parse(twin.json)))
  })

  it.each(requests.map((twin) => [twin.what, twin] as const))('%s: the server reads core’s XML of the JSON twin as the recorded body', (_, twin) => {
    const written = xml.serialize(json.parse(twin.json) as Record<string, unknown>)
    expect(written.mediaType).toBe('application/xml')
    expect(fromXml(written.text)).toEqual(fromXml(twin.xml))
    expect(fromXml(written.text)).toEqual(asText(json.parse(twin.json)))
  })

  it.each(requests.map((twin) => [twin.what, twin] as const))('%s: testing writes the JSON twin as the recorded body, which core reads back', (_, twin) => {
    const written = toXml(json.parse(twin.json) as Record<string, unknown>, { declaration: false })
    expect(written).toBe(twin.xml)
    expect(xml.parse(written)).toEqual(xml.parse(twin.xml))
  })
})
