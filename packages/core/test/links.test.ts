import { describe, expect, it } from 'vitest'
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
