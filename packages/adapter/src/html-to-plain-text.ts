// An agent's HTML line as safe plain text, through a real HTML parser.
import { compile, type HtmlToTextOptions } from 'html-to-text'
import { simpleHtmlToText } from './simple-html.js'

// An agent's link keeps its target when it is a web address (`text [https://…]`, or just the
// URL when that is the text), since "click here" alone loses it. Any other scheme — `javascript:`,
// `data:`, relative paths — is dropped and only the link text remains. The original HTML stays
// in the change's metadata.
const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, noAnchorUrl: true, pathRewrite: (href) => (/^https?:\/\//i.test(href.trim()) ? href : '') } },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'iframe', format: 'skip' },
    { selector: 'object', format: 'skip' },
  ],
}

/**
 * Converts an agent's HTML line to plain text: tags dropped, entities decoded, `<script>`,
 * `<style>`, images and frames left out; links keep their text, plus their target in brackets
 * when it is an `http(s)` URL other than the text (other schemes, `javascript:` included, are dropped).
 *
 * The result is text, not markup: an agent who typed `&lt;b&gt;` gets a literal `<b>` back, so
 * display it as text. Uses `html-to-text` (a real HTML parser), never a regex; lines with no
 * markup or only simple inline markup take a shortcut with the same result (`simple-html.ts`).
 *
 * @internal
 */
export function htmlToPlainText(html: string): string {
  return (simpleHtmlToText(html) ?? toText(html)).trim()
}

/**
 * {@link htmlToPlainText} always through html-to-text: what the shortcut is checked against.
 *
 * @internal
 */
export function htmlToPlainTextByConverter(html: string): string {
  return toText(html).trim()
}

// Compiled once: `convert` compiles the options on every call, which cost ~330 µs a line against
// ~8 µs with them compiled (bench/README.md, decode section).
const toText = compile(OPTIONS)
