import nock from 'nock'
import { afterEach, describe, expect, it } from 'vitest'
import { recordSession, scrubRecording, startLegacyChatServer } from '../src/index.js'
import { xmlBody } from './helpers.js'

afterEach(() => {
  nock.cleanAll()
})

const appKey = '9f8e7d6c5b4a39281706f5e4d3c2b1a0'
const personal = {
  visitorName: "Eleanor O'Rigby & <Sons>",
  email: 'eleanor.rigby@liverpool.example',
  visitorIp: '198.51.100.23',
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Safari/605.1.15 EleanorBrowser',
}

describe('recordSession', () => {
  it('records a session in nock format with the app key and personal fields scrubbed, in JSON and XML', async () => {
    const server = await startLegacyChatServer({ appKey })
    try {
      const { result, recording } = await recordSession(async () => {
        const json = { authorization: `LivePerson appKey=${appKey}`, 'content-type': 'application/json', 'user-agent': personal.userAgent }
        const xml = { ...json, 'content-type': 'application/xml', accept: 'application/xml' }
        const start = await fetch(`${server.accountRoot}/chat/request?v=1&NC=true`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ request: { skill: 'Sales', userAgent: personal.userAgent, visitorIp: personal.visitorIp } }),
        })
        const chatUri = start.headers.get('location') ?? ''
        const chat = await server.nextChat()
        chat.accept({ name: 'Natalie', id: 1 })
        await fetch(`${chatUri}/info/visitorName?v=1`, { method: 'POST', headers: { ...xml, 'x-http-method-override': 'PUT' }, body: xmlBody({ visitorName: personal.visitorName }) })
        await fetch(`${chatUri}/events?v=1`, { method: 'POST', headers: json, body: JSON.stringify({ event: { '@type': 'line', text: 'hello' } }) })
        await fetch(`${chatUri}/transcriptRequest?v=1`, { method: 'POST', headers: { ...json, 'x-http-method-override': 'PUT' }, body: JSON.stringify({ email: personal.email }) })
        await fetch(`${chatUri}/transcriptWithSubjectRequest?v=1`, { method: 'POST', headers: { ...xml, 'x-http-method-override': 'PUT' }, body: xmlBody({ request: { email: personal.email, subject: 'chat' } }) })
        // The key in the query, as public clients send it, and the name echoed back in JSON and XML.
        const jsonChat = await (await fetch(`${chatUri}?v=1&appKey=${appKey}`)).text()
        const xmlChat = await (await fetch(`${chatUri}?v=1`, { headers: xml })).text()
        await (await fetch(`${server.accountRoot}/chat/availability?v=1&visitorIp=${personal.visitorIp}&appKey=${appKey}`)).text()
        return { jsonChat, xmlChat }
      })
      // The values were really on the wire...
      expect(result.jsonChat).toContain(personal.visitorName)
      expect(result.xmlChat).toContain('Eleanor O&apos;Rigby &amp; &lt;Sons&gt;')
      expect(recording.length).toBe(8)
      // ...and no trace of them is left in the recording.
      const text = JSON.stringify(recording)
      for (const value of [appKey, ...Object.values(personal)]) {
        expect(text).not.toContain(value)
        expect(text).not.toContain(encodeURIComponent(value))
      }
      expect(text).not.toContain('Eleanor')
      expect(recording[0]?.reqheaders?.['authorization']).toBe(`LivePerson appKey=${'0'.repeat(32)}`)
      // nock's recorder never records the User-Agent request header; the body's userAgent is scrubbed.
      expect(recording[0]?.reqheaders?.['user-agent']).toBeUndefined()
      expect(recording[0]?.body).toEqual({ request: { skill: 'Sales', userAgent: 'scrubbed-user-agent', visitorIp: '192.0.2.1' } })
      expect(text).toContain('<visitorName>Visitor</visitorName>')
      expect(text).toContain('visitor@example.invalid')
      expect(String(recording.at(-1)?.path)).toContain(`appKey=${'0'.repeat(32)}`)
      // The visitor's lines are signed with the name: that is scrubbed too.
      expect(text).toContain('"by":"Visitor"')
      // And the recording replays.
      nock.activate()
      nock.disableNetConnect()
      try {
        const scopes = nock.define(recording)
        const first = recording[0]
        const replay = await fetch(`${String(first?.scope)}${String(first?.path)}`, {
          method: 'POST',
          headers: { authorization: `LivePerson appKey=${'0'.repeat(32)}`, 'user-agent': 'scrubbed-user-agent', 'content-type': 'application/json' },
          body: JSON.stringify(first?.body),
        })
        expect(replay.status).toBe(201)
        expect(scopes[0]?.isDone()).toBe(true)
      } finally {
        nock.enableNetConnect()
      }
    } finally {
      await server.close()
    }
  })

  it('scrubRecording takes extra app keys and secrets, and leaves the default visitor name alone', () => {
    const scrubbed = scrubRecording(
      [
        {
          scope: 'https://x.example',
          method: 'GET',
          path: '/api?v=1',
          status: 200,
          response: { info: { visitorName: 'You', note: 'key k3y-k3y-k3y and code word swordfish' } },
        },
      ],
      { appKeys: ['k3y-k3y-k3y'], secrets: ['swordfish'] },
    )
    expect(JSON.stringify(scrubbed)).not.toContain('k3y-k3y-k3y')
    expect(JSON.stringify(scrubbed)).not.toContain('swordfish')
    expect(scrubbed[0]?.response).toEqual({ info: { visitorName: 'Visitor', note: `key ${'0'.repeat(32)} and code word scrubbed` } })
  })

  it('scrubRecording removes every ssoKey and JWT-shaped value, whatever the options say (JSON and XML)', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2LTEifQ.c2ln'
    const scrubbed = scrubRecording(
      [
        { scope: 'https://x.example', method: 'POST', path: '/api/conversation?v=1', status: 201, body: { authChatConnId: '1', ssoKey: 'oauth-code-7f3a9' }, response: { conversation: { participantId: '9' } } },
        { scope: 'https://x.example', method: 'POST', path: `/api/conversation?v=1&token=${jwt}`, status: 201, body: `<conversation><ssoKey>${jwt}</ssoKey></conversation>`, response: `<note>signed ${jwt}</note>` },
      ],
      { personalFields: {} },
    )
    const text = JSON.stringify(scrubbed)
    expect(text).not.toContain('oauth-code-7f3a9')
    expect(text).not.toContain(jwt)
    expect(scrubbed[0]?.body).toEqual({ authChatConnId: '1', ssoKey: 'scrubbed-sso-key' })
    // Found as an ssoKey, the JWT is replaced as one everywhere it appears.
    expect(scrubbed[1]?.response).toBe('<note>signed scrubbed-sso-key</note>')
    expect(scrubRecording([{ scope: 'https://x.example', method: 'GET', path: '/api', status: 200, response: { note: jwt } }])[0]?.response).toEqual({ note: 'scrubbed-jwt' })
  })
})
