// The lines of one conversation, by sequence: each line is kept (and shown) once however often the
// server replays it, and the transcript is saved in localStorage so that after a reload the window
// shows what it had and resumes the conversation from the sequence after the last one it saw.

const MAX_LINES = 500

/**
 * @typedef {{ sequence: number, role: string, text: string, time: number }} Line
 */

/** The saved lines and last sequence of one conversation. */
export class Transcript {
  /**
   * @param {Storage} storage
   * @param {string} accountId
   * @param {string} conversationId
   */
  constructor(storage, accountId, conversationId) {
    this.storage = storage
    this.key = `chatbridge:${accountId}:conversation:${conversationId}`
    this.conversationId = conversationId
    /** @type {Line[]} */
    this.lines = []
    this.lastSequence = -1
    const saved = readJson(storage.getItem(this.key))
    if (Array.isArray(saved?.lines)) this.lines = saved.lines.filter(isLine)
    if (Number.isInteger(saved?.lastSequence)) this.lastSequence = saved.lastSequence
  }

  /** The `fromSeq` to resume from: the sequence after the last one seen. */
  get fromSeq() {
    return this.lastSequence + 1
  }

  /** Whether a line with this sequence is already here. */
  has(sequence) {
    return this.lines.some((line) => line.sequence === sequence)
  }

  /**
   * Adds a line unless its sequence is already here; true when it was added.
   * @param {Line} line
   */
  add(line) {
    this.seen(line.sequence)
    if (this.has(line.sequence)) return false
    this.lines.push(line)
    this.lines.sort((a, b) => a.sequence - b.sequence)
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES)
    this.#save()
    return true
  }

  /** Notes a sequence seen, a line or not (state events and receipts have sequences too). */
  seen(sequence) {
    if (!Number.isInteger(sequence) || sequence <= this.lastSequence) return
    this.lastSequence = sequence
    this.#save()
  }

  /** Forgets the saved transcript (the conversation closed). */
  forget() {
    this.storage.removeItem(this.key)
  }

  #save() {
    try {
      this.storage.setItem(this.key, JSON.stringify({ lastSequence: this.lastSequence, lines: this.lines }))
    } catch {
      // Storage full or disabled: the window still works, a reload replays from the server instead.
    }
  }
}

function readJson(text) {
  if (text === null) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isLine(value) {
  return Number.isInteger(value?.sequence) && typeof value.role === 'string' && typeof value.text === 'string'
}
