import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Links, RelationMissingError } from '@chatbridge/core'
import { resolveHref } from '../src/links.js'

const base = new URL('https://va.example/api/account/1/chat/H1')

describe('Links', () => {
  const links = new Links(base, [
    { rel: 'self', href: 'https://va.example/api/account/1/chat/H1' },
    { rel: 'events', href: 'H1/events' },
    { rel: 'events', href: 'https://va.example/second' },
    { rel: 'blank', href: '  ' },
    { rel: 'broken', href: 'http://[bad' },
  ])

  it('answers by relation, the first link of a relation winning; hrefs resolve against the resource', () => {
    expect(links.get('events')?.href).toBe('https://va.example/api/account/1/chat/H1/events')
    expect(links.has('self')).toBe(true)
    expect(links.has('blank')).toBe(false)
    expect(links.has('broken')).toBe(false)
    expect(links.rels()).toEqual(['self', 'events'])
    expect(links.all().map((link) => link.rel)).toEqual(['self', 'events', 'events'])
  })

  it('a missing relation is a RelationMissingError naming the relation and the resource', () => {
    expect(() => links.require('next')).toThrow(RelationMissingError)
    expect(() => links.require('next')).toThrow(/"next" is missing from https:\/\/va.example\/api\/account\/1\/chat\/H1/)
  })

  it('get hands out a copy: changing it does not change the links', () => {
    const events = links.require('events')
    events.searchParams.set('from', '3')
    expect(links.require('events').search).toBe('')
  })

  it('resource hands out a copy too, and a resource given as text reads the same as one given as a URL', () => {
    links.resource.pathname = '/elsewhere'
    expect(links.resource.href).toBe(base.href)
    const fromText = new Links(base.href, [{ rel: 'events', href: 'H1/events' }, { rel: 'next', href: '?from=3' }])
    expect(fromText.get('events')?.href).toBe('https://va.example/api/account/1/chat/H1/events')
    expect(fromText.get('next')?.href).toBe('https://va.example/api/account/1/chat/H1?from=3')
    expect(() => new Links('not a uri', [])).toThrow(TypeError)
  })
})

describe('Links that share the resource URI', () => {
  it('give back every href exactly as sent, prefixed or not, with whitespace and after the 31st link', () => {
    const chat = 'http://127.0.0.1:9/api/account/1/chat/H1-abc'
    const sent = [
      { rel: 'self', href: chat },
      { rel: 'events', href: `${chat}/events` },
      { rel: 'next', href: `${chat}?from=12` },
      { rel: 'long', href: `${chat}/a/very/long/rest?with=query&and=more` },
      { rel: 'padded', href: `${chat}/info ` },
      { rel: 'other', href: 'http://127.0.0.1:9/api/account/1/chat/H2/events' },
      ...Array.from({ length: 34 }, (_, i) => ({ rel: `r${i}`, href: `${chat}/x${i}` })),
    ]
    const links = new Links(`${chat}?from=3`, sent)
    expect(links.all().map((link) => link.href.href)).toEqual(sent.map((link) => new URL(link.href.trim()).href))
    expect(links.get('next')?.href).toBe(`${chat}?from=12`)
    expect(links.get('r33')?.href).toBe(`${chat}/x33`)
  })
})

describe('resolveHref mends the malformed forms the legacy docs show', () => {
  it.each([
    ['https:/va.example/x', 'https://va.example/x'],
    ['va.example/api/x', 'https://va.example/api/x'],
    ['va.example:8443/x', 'https://va.example:8443/x'],
    ['/api/account/1/other', 'https://va.example/api/account/1/other'],
    ['?from=4', 'https://va.example/api/account/1/chat/H1?from=4'],
    ['events', 'https://va.example/api/account/1/chat/events'],
    ['javascript:alert(1)', 'javascript:alert(1)'],
  ])('%s → %s', (href, resolved) => {
    expect(resolveHref(href, base)?.href).toBe(resolved)
  })

  it('gives up on nothing usable', () => {
    expect(resolveHref('', base)).toBeUndefined()
    expect(resolveHref('https://[', base)).toBeUndefined()
  })
})

describe('Links of many chats, their names and common rests shared', () => {
  const rels = ['self', 'next', 'events', 'info', 'transcript-request', 'exit-survey', 'custom-variables', 'visitor-name']
  const chat = (id: string) => `http://127.0.0.1:9/api/account/1/chat/${id}`
  // Each href exactly as the document sent it, resolved as `resolveHref` does: the oracle for any way of keeping them.
  const expected = (resource: string, sent: readonly { rel: string; href: string }[]) =>
    sent.flatMap((link) => {
      const href = resolveHref(link.href, new URL(resource))
      return href === undefined ? [] : [{ rel: link.rel, href: href.href }]
    })
  const read = (links: Links) => links.all().map((link) => ({ rel: link.rel, href: link.href.href }))

  it('give back every href as sent, whichever of them are a chat\'s own, in any order and number', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            rel: fc.constantFrom(...rels),
            rest: fc.oneof(fc.constantFrom('', '/events', '/info', '/info/visitor-name', '/transcript-request'), fc.nat(99).map((n) => `?from=${n}`), fc.constantFrom('/x\u0000y', '/a\u0001', ' ')),
            other: fc.boolean(),
          }),
          { maxLength: 12 },
        ),
        fc.constantFrom('H1', 'H2', 'H3-long-chat-id-0123456789abcdef'),
        (links, id) => {
          const sent = links.map(({ rel, rest, other }) => ({ rel, href: other ? `http://other.test/chat/X${rest}` : `${chat(id)}${rest}` }))
          const resource = `${chat(id)}?from=3`
          const first = new Links(resource, sent)
          // A second document alike (the shared copy found, not made) reads the same.
          const second = new Links(resource, sent)
          expect(read(first)).toEqual(expected(resource, sent))
          expect(read(second)).toEqual(read(first))
          for (const rel of rels) expect(second.get(rel)?.href).toBe(expected(resource, sent).find((link) => link.rel === rel && link.href.trim() !== '')?.href)
        },
      ),
    )
  })

  it("given the chat's own URI as base, read exactly as without it, whether or not the base is the resource's URI up to its query", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rel: fc.constantFrom(...rels), rest: fc.constantFrom('', '/events', '?from=9', '#top', '/info/visitor-name') }), { maxLength: 8 }),
        fc.constantFrom('', '?from=3', '?from=3&v=1&NC=true', '#frag', '/info', '2?from=1', '.json'),
        fc.constantFrom('H1', 'H3-long-chat-id-0123456789abcdef'),
        (links, tail, id) => {
          const sent = links.map(({ rel, rest }) => ({ rel, href: `${chat(id)}${rest}` }))
          const resource = `${chat(id)}${tail}`
          const plain = new Links(resource, sent)
          const based = new Links(resource, sent, chat(id))
          expect(read(based)).toEqual(read(plain))
          expect(based.resource.href).toBe(plain.resource.href)
          expect(based.resourceHref).toBe(plain.resourceHref)
          expect(based.rels()).toEqual(plain.rels())
          for (const rel of rels) expect(based.get(rel)?.href).toBe(plain.get(rel)?.href)
        },
      ),
    )
  })

  it('chats at many places read their own query and next, past the bound of the texts kept once', () => {
    // More places than the process keeps texts of (256): the table is cleared and fills again.
    const read = Array.from({ length: 600 }, (_, i) => {
      const id = `H${i % 7}`
      const from = i % 300
      const links = new Links(`${chat(id)}?from=${from}&v=1&NC=true`, [{ rel: 'next', href: `${chat(id)}?from=${from}` }], chat(id))
      return [links.resourceHref, links.get('next')?.href]
    })
    read.forEach(([resource, next], i) => {
      expect(resource).toBe(`${chat(`H${i % 7}`)}?from=${i % 300}&v=1&NC=true`)
      expect(next).toBe(`${chat(`H${i % 7}`)}?from=${i % 300}`)
    })
  })

  it('tell links that read as a new document\'s would from those that do not, without building them', () => {
    const hrefs = fc.constantFrom('', '/events', '?from=4', '?from=5', '/info', 'https://other.example/x', ' ')
    const doc = fc.record({
      id: fc.constantFrom('H1', 'H2'),
      query: fc.constantFrom('', '?from=4&v=1', '?from=5&v=1'),
      based: fc.boolean(),
      links: fc.array(fc.record({ rel: fc.constantFrom('self', 'next', 'events', 'x-own'), prefixed: fc.boolean(), rest: hrefs }), { maxLength: 40 }),
    })
    const build = (d: { id: string; query: string; based: boolean; links: { rel: string; prefixed: boolean; rest: string }[] }) => {
      const sent = d.links.map((link) => ({ rel: link.rel, href: link.prefixed ? chat(d.id) + link.rest : link.rest }))
      return { uri: new URL(chat(d.id) + d.query), sent, base: d.based ? chat(d.id) : undefined }
    }
    fc.assert(
      fc.property(doc, doc, (first, second) => {
        const a = build(first)
        const b = build(second)
        const kept = new Links(a.uri, a.sent, a.base)
        expect(kept.isAlike(a.uri, a.sent, a.base)).toBe(true)
        const fresh = new Links(b.uri, b.sent, b.base)
        const alike = kept.isAlike(b.uri, b.sent, b.base)
        // Alike only when the new document's links read the same, name for name and href for href.
        if (alike) {
          expect(read(kept)).toEqual(read(fresh))
          expect(kept.resourceHref).toBe(fresh.resourceHref)
          expect(kept.rels()).toEqual(fresh.rels())
        }
        // And whenever the documents are the same text, whatever was shared.
        const sameText = a.uri.href === b.uri.href && a.base === b.base && JSON.stringify(a.sent) === JSON.stringify(b.sent)
        expect(alike).toBe(sameText)
      }),
      { numRuns: 2000 },
    )
  })

  it('two chats with the same links but their next keep each their own next', () => {
    const links = (id: string, from: number) =>
      new Links(`${chat(id)}?from=${from}`, [
        { rel: 'self', href: chat(id) },
        { rel: 'events', href: `${chat(id)}/events` },
        { rel: 'next', href: `${chat(id)}?from=${from}` },
        { rel: 'info', href: `${chat(id)}/info` },
      ])
    const [a, b] = [links('H1', 4), links('H2', 7)]
    expect(a.get('next')?.href).toBe(`${chat('H1')}?from=4`)
    expect(b.get('next')?.href).toBe(`${chat('H2')}?from=7`)
    expect(b.get('events')?.href).toBe(`${chat('H2')}/events`)
    expect(b.rels()).toEqual(['self', 'events', 'next', 'info'])
  })
})
