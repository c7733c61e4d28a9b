// Tells the agent when this person is typing: COMPOSING on the first keystroke, PAUSE once the
// keystrokes stop for a moment or the line is sent — one event per change, not one per key.

const PAUSE_AFTER_MS = 2_000

/** Debounces keystrokes into ChatStateEvent COMPOSING / PAUSE. */
export class TypingSignal {
  /** @param {(chatState: 'COMPOSING' | 'PAUSE') => void} send */
  constructor(send) {
    this.send = send
    this.composing = false
    this.timer = undefined
  }

  /** A keystroke. */
  typed() {
    if (!this.composing) {
      this.composing = true
      this.send('COMPOSING')
    }
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.stopped(), PAUSE_AFTER_MS)
  }

  /** The person stopped typing (a pause, or the line was sent). */
  stopped() {
    clearTimeout(this.timer)
    if (!this.composing) return
    this.composing = false
    this.send('PAUSE')
  }

  /** Forgets the state without sending (the connection or conversation is gone). */
  reset() {
    clearTimeout(this.timer)
    this.composing = false
  }
}
