import { startLegacyChatServer } from '@chatbridge/testing'
import type { ChatAgent, LegacyChat } from '@chatbridge/testing'

// Child-process entry of the scale benchmark: the testing server with an agent that accepts every
// chat at once (so every chat is `chatting`) and, once told, says a line every `LINE_EVERY_MS`
// in each chat, at a random phase. Each line's text carries the server's append time
// (`bench-line <epoch ms>`): both processes share the machine's clock, so the client can measure
// append → emission. It also counts the polls that reach it and how far apart they came, per
// measurement window, and reports its own CPU. Exits when its parent goes. For explaining the late
// ones it also keeps, per window, a histogram of those gaps and of how many polls each chat made.

const LINE_EVERY_MS = Number(process.argv[2] ?? '5000')
const INTERVAL_MS = Number(process.argv[3] ?? '1000')
/** A poll is on time when it came at most this long after the previous one of its chat. */
const ON_TIME_SLACK_MS = 50

/** Width of one bucket of the gap histogram, ms; gaps past the last bucket land in it. */
const GAP_BUCKET_MS = 25
const GAP_BUCKETS = 400
/** Width of one bucket of the arrivals count, ms: chats polling in step show as a peak every interval. */
const ARRIVAL_BUCKET_MS = 100

interface Window {
  id: number
  polls: number
  onTime: number
  lines: number
  cpu: NodeJS.CpuUsage
  startedAt: number
  /** Polls by their gap after the previous poll of their chat, in GAP_BUCKET_MS buckets. */
  gaps: number[]
  /** Per chat: its polls in this window (filled as chats poll, a chat that never polled is missing). */
  perChat: number[]
  /** Polls per ARRIVAL_BUCKET_MS since the window started. */
  arrivals: number[]
}

let windows = 0

let linesOn = false
let window: Window | undefined
const starters: Array<() => void> = []

const agent: ChatAgent = (chat: LegacyChat) => {
  chat.accept({ name: 'Bench', id: 7 })
  let last: number | undefined
  // This chat's polls in window `countedIn`, and its slot in that window's per-chat list.
  let countedIn = -1
  let slot = -1
  const offPoll = chat.on('poll', () => {
    const now = performance.now()
    if (window !== undefined) {
      window.polls += 1
      const at = Math.floor((now - window.startedAt) / ARRIVAL_BUCKET_MS)
      window.arrivals[at] = (window.arrivals[at] ?? 0) + 1
      if (last !== undefined) {
        const gap = now - last
        if (gap <= INTERVAL_MS + ON_TIME_SLACK_MS) window.onTime += 1
        const i = Math.min(GAP_BUCKETS - 1, Math.floor(gap / GAP_BUCKET_MS))
        window.gaps[i] = (window.gaps[i] ?? 0) + 1
      }
      if (countedIn !== window.id) {
        countedIn = window.id
        slot = window.perChat.push(0) - 1
      }
      window.perChat[slot] = (window.perChat[slot] ?? 0) + 1
    }
    last = now
  })
  let timer: NodeJS.Timeout | undefined
  const say = (): void => {
    if (chat.state !== 'chatting' || chat.dropped) return
    chat.say(`bench-line ${Date.now()}`)
    if (window !== undefined) window.lines += 1
    timer = setTimeout(say, LINE_EVERY_MS)
  }
  const start = (): void => {
    timer = setTimeout(say, Math.random() * LINE_EVERY_MS)
  }
  if (linesOn) start()
  else starters.push(start)
  return () => {
    offPoll()
    clearTimeout(timer)
  }
}

const server = await startLegacyChatServer({ agent, appKey: 'bench-app-key-0123456789abcdef', chatTimeoutS: 60, logLimit: 1 })

process.on('message', (message: unknown) => {
  const kind = typeof message === 'object' && message !== null && 'kind' in message ? message.kind : undefined
  if (kind === 'lines-on') {
    linesOn = true
    for (const start of starters.splice(0)) start()
    process.send?.({ kind: 'lines-on' })
  } else if (kind === 'window-start') {
    windows += 1
    window = { id: windows, polls: 0, onTime: 0, lines: 0, cpu: process.cpuUsage(), startedAt: performance.now(), gaps: new Array<number>(GAP_BUCKETS).fill(0), perChat: [], arrivals: [] }
    process.send?.({ kind: 'window-start' })
  } else if (kind === 'window-end' && window !== undefined) {
    const cpu = process.cpuUsage(window.cpu)
    const seconds = (performance.now() - window.startedAt) / 1000
    const pollsPerChat: number[] = []
    for (const count of window.perChat) pollsPerChat[count] = (pollsPerChat[count] ?? 0) + 1
    const gaps = { bucketMs: GAP_BUCKET_MS, counts: window.gaps }
    const arrivals = { bucketMs: ARRIVAL_BUCKET_MS, counts: Array.from(window.arrivals, (n) => n ?? 0) }
    process.send?.({ kind: 'window-end', polls: window.polls, onTime: window.onTime, lines: window.lines, cpuMicros: cpu.user + cpu.system, seconds, gaps, pollsPerChat: Array.from(pollsPerChat, (n) => n ?? 0), arrivals })
    window = undefined
  }
})
process.on('disconnect', () => {
  void server.close().then(() => process.exit(0))
})
process.send?.({ port: server.port, appKey: server.appKey })
