import { describe, expect, it } from 'vitest'
import { appKeyAuth } from '../../src/transport/app-key-auth.js'
import { fakeHandler, get } from './fake-handler.js'

const home = new URL('https://va.example/api/account/1')

describe('appKeyAuth', () => {
  it("sends the key to the account's origin", async () => {
    const inner = fakeHandler()
    await appKeyAuth(home, 'k3y')(inner)(get('https://va.example/api/account/1/chat'))
    expect(inner.requests[0]?.headers['authorization']).toBe('LivePerson appKey=k3y')
  })

  it('never to another origin, nor with an empty key', async () => {
    const inner = fakeHandler()
    await appKeyAuth(home, 'k3y')(inner)(get('https://lo.example/x'))
    await appKeyAuth(home, '')(inner)(get('https://va.example/api/account/1'))
    expect(inner.requests.map((request) => request.headers['authorization'])).toEqual([undefined, undefined])
  })
})
