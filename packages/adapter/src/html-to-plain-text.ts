import { convert, type HtmlToTextOptions } from 'html-to-text'

// Links print as their text only: hrefs could be `javascript:` and a bracketed URL in the message
// is noise; the original HTML (with hrefs) stays in the change's metadata for those who need it.
const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'iframe', format: 'skip' },
    { selector: 'object', format: 'skip' },
  ],
}

/**
 * Converts an agent's HTML line to plain text: tags dropped, entities decoded, `<script>`,
 * `<style>`, images and frames left out, link hrefs left out (only the link text remains).
 *
 * The result is text, not markup: an agent who typed `&lt;b&gt;` gets a literal `<b>` back, so
 * display it as text. Uses `html-to-text` (a real HTML parser), never a regex.
 */
export function htmlToPlainText(html: string): string {
  return convert(html, OPTIONS).trim()
}
