import { toXml } from '@chatbridge/testing'

/** The chat URI benchmark documents claim to come from. */
export const BENCH_CHAT_URI = 'http://127.0.0.1:1/api/account/12345678/chat/H1-benchK1'

/**
 * A chat resource document with `count` events from id `first` on, a realistic mix of lines and
 * states (one event in ten a state; of the lines, a third agent HTML, the rest visitor text), as
 * JSON and XML (`html: false`: the agent's lines plain text too). Its `next` link reads from `first + count`.
 */
export function chatDocument(count: number, first = 0, html = true): { readonly json: string; readonly xml: string } {
  const event = []
  for (let i = first; i < first + count; i += 1) {
    const time = '2017-02-27T06:24:15.424-05:00'
    if (i % 10 === 0) event.push({ '@id': String(i), '@type': 'state', time, state: i === 0 ? 'waiting' : 'chatting' })
    else if (i % 3 === 0 && !html) event.push({ '@id': String(i), '@type': 'line', time, textType: 'plain', text: `Agent line ${i} & more`, by: 'Natalie', source: 'agent', subType: 'REGULAR' })
    else if (i % 3 === 0) event.push({ '@id': String(i), '@type': 'line', time, textType: 'html', text: `<div dir="ltr">Agent line <b>${i}</b> &amp; more</div>`, by: 'Natalie', source: 'agent', subType: 'REGULAR' })
    else event.push({ '@id': String(i), '@type': 'line', time, textType: 'plain', text: `Visitor line number ${i}, with a little text`, by: 'You', source: 'visitor', subType: 'REGULAR' })
  }
  const link = (rel: string, suffix: string) => ({ '@href': `${BENCH_CHAT_URI}${suffix}`, '@rel': rel })
  const chat = {
    link: [link('self', ''), link('events', '/events'), link('info', '/info'), link('next', `?from=${first + count}`)],
    events: { link: [link('self', '/events'), link('next', `/events?from=${first + count}`)], event },
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

/** How many of the events of {@link chatDocument} are lines (each becomes one messaging change). */
export function lineCount(count: number, first = 0): number {
  let lines = 0
  for (let i = first; i < first + count; i += 1) if (i % 10 !== 0) lines += 1
  return lines
}
