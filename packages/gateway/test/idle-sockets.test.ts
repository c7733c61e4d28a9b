import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { expect, test } from 'vitest'
import { signup, testGateway } from './support/gateway-client.js'

// CI opens 1,000; CHATBRIDGE_GATEWAY_SOCKETS=10000 checks the figure the gateway is built for. The
// clients run in a child process: the gateway's process then holds one descriptor per socket, as in production.
const count = Number(process.env['CHATBRIDGE_GATEWAY_SOCKETS'] ?? 1000)
const wsModule = pathToFileURL(createRequire(import.meta.url).resolve('ws')).href

// The clients' process, driven over IPC: `open` the sockets, `check` three of them with GetClock, `close`.
// Plain JavaScript given to `node -e`, so it needs no build and no loader.
const clientsScript = `
const [wsPath, wsUrl, jwt, countText] = process.argv.slice(1)
const WebSocket = (await import(wsPath)).default
const count = Number(countText)
/** @type {WebSocket[]} */
const sockets = []

/** @param {WebSocket} ws */
function opened(ws) {
  return new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
}

/** @param {WebSocket} ws @returns {Promise<unknown>} */
function getClock(ws) {
  return new Promise((resolve) => {
    const onMessage = (/** @type {Buffer} */ data) => {
      const frame = JSON.parse(data.toString())
      if (frame.kind !== 'resp' || frame.reqId !== 'clock') return
      ws.off('message', onMessage)
      resolve(frame.code)
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ kind: 'req', id: 'clock', type: 'GetClock', body: {} }))
  })
}

process.on('message', async (/** @type {{ do: string }} */ message) => {
  if (message.do === 'open') {
    for (let done = 0; done < count; done += 100) {
      const batch = Array.from({ length: Math.min(100, count - done) }, () => new WebSocket(wsUrl, { headers: { authorization: "jwt " + jwt } }))
      await Promise.all(batch.map(opened))
      sockets.push(...batch)
    }
    process.send?.({ opened: sockets.length })
  } else if (message.do === 'check') {
    const sample = [sockets[0], sockets[Math.floor(count / 2)], sockets[count - 1]]
    const codes = []
    for (const ws of sample) codes.push(ws === undefined ? 0 : await getClock(ws))
    process.send?.({ codes, allOpen: sockets.every((ws) => ws.readyState === WebSocket.OPEN) })
  } else if (message.do === 'close') {
    for (const ws of sockets) ws.terminate()
    process.disconnect()
  }
})
process.send?.({ ready: true })
`

/** The child's next message that has `key`. */
function reply<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>): void => {
      if (!(key in message)) return
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(message as T)
    }
    const onExit = (code: number | null): void => reject(new Error(`the clients' process exited (${String(code)}) before answering ${key}`))
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

test(`${count} idle authenticated sockets on one gateway process stay up and still answer`, { timeout: 180_000 }, async () => {
  const gateway = await testGateway({ maxSocketsPerAddress: count + 1, maxSocketsPerConsumer: count + 1 })
  const args = ['--input-type=module', '-e', clientsScript, wsModule, gateway.wsUrl, await signup(gateway), String(count)]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    await reply(child, 'ready')
    child.send({ do: 'open' })
    expect(await reply(child, 'opened')).toEqual({ opened: count })
    expect(await gateway.metrics.socketsOpen.get()).toMatchObject({ values: [{ value: count }] })
    child.send({ do: 'check' })
    expect(await reply(child, 'codes')).toEqual({ codes: [200, 200, 200], allOpen: true })
    expect(await gateway.metrics.socketsOpen.get()).toMatchObject({ values: [{ value: count }] })
    child.send({ do: 'close' })
  } finally {
    if (child.exitCode === null) child.kill()
    await exited
    await gateway.close()
  }
})
