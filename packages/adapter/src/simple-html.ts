// The shortcut for an agent's line that html-to-text would only strip and unwrap: plain text, or simple inline markup inside block wrappers.
import { type Handler, Parser } from 'htmlparser2'

// html-to-text (with our options) cost ~17 µs a line and was ~4/5 of decode + map on a document of
// HTML lines, most of it in its formatting machinery, not its parser. A line whose markup is only
// inline styling (<b>, <span>, …) inside block wrappers (<div dir="ltr">, <p>) converts to its text
// with whitespace collapsed, which is what html-to-text makes of it. The same HTML parser that
// html-to-text uses (htmlparser2) reads the line; anything else — links, line breaks, images, lists,
// comments, text on both sides of a block boundary, an unknown tag — is not taken here, and
// html-to-text converts it. test/simple-html.test.ts checks both agree on generated inputs.

// html-to-text's `*` selector formats these inline: their text only.
const INLINE = new Set(['b', 'strong', 'i', 'em', 'u', 's', 'span', 'font', 'small', 'sub', 'sup', 'mark'])
// Formatted as blocks (line breaks around), which vanish when all the text is one run inside them.
const BLOCK = new Set(['div', 'p'])
// html-to-text's default `whitespaceCharacters`: runs of them become one space.
const WHITESPACE = /[ \t\r\n\f\u200b]+/g
const NOT_WHITESPACE = /[^ \t\r\n\f\u200b]/
// html-to-text truncates longer input; leave that to it.
const MAX_LENGTH = 1 << 16

// The state of the line being read (reading is synchronous); the handlers below fill it.
let text = ''
let simple = true
let sawText = false
let blockAfterText = false

function onTag(name: string): void {
  if (INLINE.has(name)) return
  if (BLOCK.has(name)) {
    if (sawText) blockAfterText = true
    return
  }
  simple = false
}

const HANDLER: Partial<Handler> = {
  onopentagname: onTag,
  onclosetag: onTag,
  ontext(data) {
    if (NOT_WHITESPACE.test(data)) {
      // Text after a block boundary that followed text: html-to-text puts a line break there.
      if (blockAfterText) simple = false
      sawText = true
    }
    text += data
  },
  oncomment() {
    simple = false
  },
  oncdatastart() {
    simple = false
  },
  onprocessinginstruction() {
    simple = false
  },
}

/**
 * The plain text of `html` when converting it needs no more than dropping simple markup and
 * collapsing whitespace, not yet trimmed; `undefined` when html-to-text must convert it.
 *
 * @internal
 */
export function simpleHtmlToText(html: string): string | undefined {
  if (html.length > MAX_LENGTH) return undefined
  // No tag and no entity: nothing to parse.
  if (!html.includes('<') && !html.includes('&')) return html.replace(WHITESPACE, ' ')
  text = ''
  simple = true
  sawText = false
  blockAfterText = false
  // A parser per line: a reused one keeps tokenizer state (a `<script>` left open) across `parseComplete`.
  new Parser(HANDLER, { decodeEntities: true }).end(html)
  const result = simple ? text.replace(WHITESPACE, ' ') : undefined
  text = ''
  return result
}
