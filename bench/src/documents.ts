import { toXml } from '@chatbridge/testing'

/** The chat URI benchmark documents claim to come from. */
export const BENCH_CHAT_URI = 'http://127.0.0.1:1/api/account/12345678/chat/H1-benchK1'

/** A chat resource document with `count` events, a realistic mix of lines and states, as JSON and XML. */
export function chatDocument(count: number): { readonly json: string; readonly xml: string } {
  const event = []
  for (let i = 0; i < count; i += 1) {
    const time = '2017-02-27T06:24:15.424-05:00'
    if (i % 10 === 0) event.push({ '@id': String(i), '@type': 'state', time, state: i === 0 ? 'waiting' : 'chatting' })
    else if (i % 3 === 0) event.push({ '@id': String(i), '@type': 'line', time, textType: 'html', text: `<div dir="ltr">Agent line <b>${i}</b> &amp; more</div>`, by: 'Natalie', source: 'agent', subType: 'REGULAR' })
    else event.push({ '@id': String(i), '@type': 'line', time, textType: 'plain', text: `Visitor line number ${i}, with a little text`, by: 'You', source: 'visitor', subType: 'REGULAR' })
  }
  const link = (rel: string, suffix: string) => ({ '@href': `${BENCH_CHAT_URI}${suffix}`, '@rel': rel })
  const chat = {
    link: [link('self', ''), link('events', '/events'), link('info', '/info'), link('next', `?from=${count}`)],
    events: { link: [link('self', '/events'), link('next', `/events?from=${count}`)], event },
    info: {
      link: [link('self', '/info'), link('visitor-typing', '/info/visitorTyping'), link('agent-typing', '/info/agentTyping')],
      state: 'chatting',
      agentName: 'Natalie',
      agentId: '25025413',
      chatTimeout: '40',
      agentTyping: 'not-typing',
      visitorTyping: 'not-typing',
    },
  }
  return { json: JSON.stringify({ chat }), xml: toXml({ chat }) }
}
