import { describe, expect, it } from 'vitest'
import { Links, trustedNextLink } from '@chatbridge/core'

const chat = 'https://va.example/api/account/1/chat/H1'
const links = (next: string | undefined, self: string | undefined = chat): Links =>
  new Links(new URL(chat), [...(self === undefined ? [] : [{ rel: 'self', href: self }]), ...(next === undefined ? [] : [{ rel: 'next', href: next }])])

describe('trustedNextLink', () => {
  it('trusts a next link reading this chat from exactly the cursor', () => {
    expect(trustedNextLink(links(`${chat}?from=4`), 4)?.href).toBe(`${chat}?from=4`)
    expect(trustedNextLink(links(`${chat}?from=4`, undefined), 4)?.href).toBe(`${chat}?from=4`)
  })

  it.each([
    ['no next link', undefined, chat],
    ['a next link that skips ahead', `${chat}?from=9`, chat],
    ['a next link that reads from behind', `${chat}?from=1`, chat],
    ['a next link without from', chat, chat],
    ['a next link to another chat', 'https://va.example/api/account/1/chat/H2?from=4', chat],
    ['a next link to another origin', 'https://lo.example/api/account/1/chat/H1?from=4', chat],
  ])('refuses %s', (_, next, self) => {
    expect(trustedNextLink(links(next, self), 4)).toBeUndefined()
  })
})
