// The window's DOM: status, lines, typing, buttons and the compose form. Server text only ever goes
// through textContent, never innerHTML. Every element tests rely on has a data-testid.

const ROLE_LABELS = { CONSUMER: 'You', ASSIGNED_AGENT: 'Agent', AGENT: 'Agent', CONTROLLER: 'System' }
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/** The chat window's elements and what can be shown in them. */
export class ChatView {
  /** @param {Document} document */
  constructor(document) {
    /** @type {(testId: string) => HTMLElement} */
    const find = (testId) => document.querySelector(`[data-testid="${testId}"]`)
    this.document = document
    this.status = find('status')
    this.lines = find('lines')
    this.typing = find('typing')
    this.startButton = /** @type {HTMLButtonElement} */ (find('start'))
    this.endButton = /** @type {HTMLButtonElement} */ (find('end'))
    this.compose = /** @type {HTMLFormElement} */ (find('compose'))
    this.input = /** @type {HTMLInputElement} */ (find('input'))
  }

  /** @param {string} text */
  /**
   * @param {'connecting' | 'idle' | 'waiting' | 'chatting' | 'closed' | 'error'} state also set as `data-state`, for styles and tests
   * @param {string} text
   */
  setStatus(state, text) {
    this.status.dataset.state = state
    this.status.textContent = text
  }

  /**
   * What can be done now: start a chat, chat in an open conversation (type, send, end), or nothing
   * (connecting).
   * @param {'connecting' | 'idle' | 'open'} mode
   */
  setMode(mode) {
    this.startButton.hidden = mode !== 'idle'
    this.startButton.disabled = false
    this.endButton.hidden = mode !== 'open'
    this.compose.hidden = mode !== 'open'
    if (mode !== 'open') this.showTyping(false)
  }

  /** @param {boolean} on */
  showTyping(on) {
    this.typing.hidden = !on
  }

  /** Empties the line list (a new conversation). */
  clearLines() {
    this.lines.replaceChildren()
  }

  /**
   * Shows a line in sequence order, once: a line already shown with this sequence is left alone.
   * @param {{ sequence: number, role: string, text: string, time: number }} line
   */
  showLine(line) {
    if (this.lines.querySelector(`[data-sequence="${line.sequence}"]`) !== null) return
    const item = this.document.createElement('li')
    item.className = `line line--${line.role.toLowerCase()}`
    item.dataset.testid = 'line'
    item.dataset.sequence = String(line.sequence)
    item.dataset.role = line.role
    const who = this.document.createElement('span')
    who.className = 'line__who'
    who.textContent = ROLE_LABELS[line.role] ?? line.role
    const text = this.document.createElement('span')
    text.className = 'line__text'
    text.textContent = line.text
    item.append(who, text)
    if (Number.isFinite(line.time)) {
      const time = this.document.createElement('time')
      time.className = 'line__time'
      time.dateTime = new Date(line.time).toISOString()
      time.textContent = timeFormat.format(line.time)
      item.append(time)
    }
    // Replays and live lines may interleave: keep the list in sequence order.
    const after = [...this.lines.children].find((other) => Number(other.getAttribute('data-sequence')) > line.sequence)
    this.lines.insertBefore(item, after ?? null)
    item.scrollIntoView({ block: 'nearest' })
  }

  /**
   * Shows a line of this person's that the server has not confirmed yet; returns a function that
   * removes it (the confirmed line comes back from the server, by sequence).
   * @param {string} text
   */
  showPending(text) {
    const item = this.document.createElement('li')
    item.className = 'line line--consumer line--pending'
    item.dataset.testid = 'pending-line'
    const who = this.document.createElement('span')
    who.className = 'line__who'
    who.textContent = ROLE_LABELS.CONSUMER
    const body = this.document.createElement('span')
    body.className = 'line__text'
    body.textContent = text
    const note = this.document.createElement('span')
    note.className = 'line__time'
    note.textContent = 'sending…'
    item.append(who, body, note)
    this.lines.append(item)
    item.scrollIntoView({ block: 'nearest' })
    return () => item.remove()
  }

  /** Takes the input's text and empties it; '' when there is none. */
  takeInput() {
    const text = this.input.value.trim()
    this.input.value = ''
    return text
  }
}
