// The Messaging consumer socket: request/response by id, notifications, InitConnection with the
// consumer JWT (browsers cannot set an Authorization header on a WebSocket), GetClock as keep-alive,
// and reconnecting — with a new identity on 4401/4407, after a short backoff on any other close.

/** Close codes that mean "this identity is no longer valid: get a new one". */
const IDENTITY_CLOSE_CODES = new Set([4401, 4407])
const KEEP_ALIVE_MS = 30_000
const REQUEST_TIMEOUT_MS = 30_000
const BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000]

/**
 * @typedef {{ kind: 'resp', reqId: string | number, code: number, type: string, body: unknown }} Response
 * @typedef {{ kind: 'notification', type: string, body: { changes: unknown[], [key: string]: unknown } }} Notification
 * @typedef {{
 *   url: () => Promise<string>,
 *   jwt: () => Promise<string>,
 *   renewIdentity: () => void,
 *   onReady: () => void,
 *   onNotification: (notification: Notification) => void,
 *   onDisconnected: (reason: string) => void,
 * }} ClientHooks
 */

/** A Messaging connection that keeps itself connected until {@link MessagingClient#stop}. */
export class MessagingClient {
  /** @param {ClientHooks} hooks */
  constructor(hooks) {
    this.hooks = hooks
    /** @type {WebSocket | undefined} */
    this.socket = undefined
    /** @type {Map<string, { resolve: (r: Response) => void, reject: (e: Error) => void, timer: number }>} */
    this.pending = new Map()
    this.nextId = 1
    this.failures = 0
    this.stopped = false
    this.keepAlive = undefined
    this.retry = undefined
  }

  /** Connects (boot calls through the hooks, then the socket, then InitConnection). */
  async start() {
    if (this.stopped) return
    let url, jwt
    try {
      ;[url, jwt] = await Promise.all([this.hooks.url(), this.hooks.jwt()])
    } catch (error) {
      this.hooks.onDisconnected(`could not reach the chat service (${error.message})`)
      this.#scheduleReconnect()
      return
    }
    if (this.stopped) return
    const socket = new WebSocket(url)
    this.socket = socket
    socket.addEventListener('open', () => void this.#initialise(socket, jwt))
    socket.addEventListener('message', (event) => this.#receive(event.data))
    socket.addEventListener('close', (event) => this.#closed(socket, event.code))
  }

  /**
   * Sends one request and resolves with its response (any code); rejects when the socket closes first.
   * @param {string} type
   * @param {unknown} [body]
   * @param {unknown[]} [headers]
   * @returns {Promise<Response>}
   */
  request(type, body = {}, headers) {
    const socket = this.socket
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected'))
    const id = String(this.nextId++)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${type} got no response`))
      }, REQUEST_TIMEOUT_MS)
      this.pending.set(id, { resolve, reject, timer })
      socket.send(JSON.stringify({ kind: 'req', id, type, body, ...(headers === undefined ? {} : { headers }) }))
    })
  }

  /** Closes for good: no more reconnecting. */
  stop() {
    this.stopped = true
    clearTimeout(this.retry)
    this.socket?.close(1000, 'page closed')
  }

  async #initialise(socket, jwt) {
    try {
      const response = await this.request('InitConnection', {}, [
        { type: '.ams.headers.ConsumerAuthentication', jwt },
        { type: '.ams.headers.ClientProperties', appId: 'chatbridge-window', ipAddress: '', deviceFamily: 'DESKTOP', os: 'OTHER' },
      ])
      if (response.code !== 200) throw new Error(`InitConnection answered ${response.code}`)
    } catch (error) {
      this.hooks.onDisconnected(`could not start the connection (${error.message})`)
      socket.close()
      return
    }
    this.failures = 0
    this.keepAlive = setInterval(() => {
      this.request('GetClock').catch(() => undefined)
    }, KEEP_ALIVE_MS)
    this.hooks.onReady()
  }

  #receive(data) {
    let frame
    try {
      frame = JSON.parse(data)
    } catch {
      return
    }
    if (frame?.kind === 'resp') {
      const waiting = this.pending.get(String(frame.reqId))
      if (waiting === undefined) return
      this.pending.delete(String(frame.reqId))
      clearTimeout(waiting.timer)
      waiting.resolve(frame)
    } else if (frame?.kind === 'notification' && Array.isArray(frame.body?.changes)) {
      this.hooks.onNotification(frame)
    }
  }

  #closed(socket, code) {
    if (socket !== this.socket) return
    this.socket = undefined
    clearInterval(this.keepAlive)
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer)
      waiting.reject(new Error('the connection closed'))
      this.pending.delete(id)
    }
    if (this.stopped) return
    if (IDENTITY_CLOSE_CODES.has(code)) {
      // The identity expired: a new one, and reconnect at once.
      this.hooks.renewIdentity()
      this.hooks.onDisconnected('renewing your identity…')
      // At once the first time; a fresh identity refused again waits like any other failure.
      if (this.failures > 0) return this.#scheduleReconnect()
      this.failures++
      void this.start()
      return
    }
    this.hooks.onDisconnected('connection lost; reconnecting…')
    this.#scheduleReconnect()
  }

  #scheduleReconnect() {
    if (this.stopped) return
    const base = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)]
    this.failures++
    // Jitter, so many windows do not come back at the same instant after a server restart.
    this.retry = setTimeout(() => void this.start(), base / 2 + Math.random() * base)
  }
}
