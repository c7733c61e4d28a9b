// A chat URI reading from an event: by text where that gives the URI the search parameters give.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { withFrom } from '../src/chat-uri.js'

// What the text path stands in for.
const reference = (href: string, from: number): string => {
  const url = new URL(href)
  url.searchParams.set('from', String(from))
  return url.href
}

describe('withFrom', () => {
  test('a plain chat URI gets ?from= by text; one with a query, a fragment or an empty query as the search parameters give it', () => {
    const chat = 'https://va.example/api/account/123/chat/H77'
    expect(withFrom(chat, 4).href).toBe(`${chat}?from=4`)
    expect(withFrom(`${chat}?x=1`, 4).href).toBe(`${chat}?x=1&from=4`)
    expect(withFrom(`${chat}?from=2&x=1`, 4).href).toBe(`${chat}?from=4&x=1`)
    expect(withFrom(`${chat}#top`, 4).href).toBe(`${chat}?from=4#top`)
    expect(withFrom(`${chat}?`, 4).href).toBe(`${chat}?from=4`)
  })

  test('reads as the search parameters would, for any URI a session keeps (a parsed href)', () => {
    const hrefs = fc
      .tuple(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.constantFrom('', '?', '#', '?a=b c', '/chat/H1.json'))
      .map(([url, tail]) => new URL(`${url}${tail}`).href)
    fc.assert(fc.property(hrefs, fc.nat(), (href, from) => withFrom(href, from).href === reference(href, from)))
  })
})
