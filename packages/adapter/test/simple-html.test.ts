// The shortcut for simple agent HTML gives exactly what html-to-text gives, on generated lines and the hand-written cases.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { htmlToPlainText, htmlToPlainTextByConverter } from '../src/html-to-plain-text.js'
import { simpleHtmlToText } from '../src/simple-html.js'

// Text pieces with every kind of whitespace html-to-text collapses (and the no-break space it
// keeps), entities named, numeric, unterminated and unknown, and stray `<`, `>` and `&`.
const piece = fc.constantFrom(
  'fish',
  'chips',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\f',
  '\u200b',
  '\u00a0',
  '&amp;',
  '&lt;b&gt;',
  '&nbsp;',
  '&#65;',
  '&#x41;',
  '&#32;',
  '&#10;',
  '&amp',
  '&bogus;',
  '&',
  ' < ',
  '>',
  'a<b',
  '1 < 2',
  'é',
)
const tag = fc.constantFrom(
  '<b>',
  '</b>',
  '<B>',
  '<strong>',
  '</strong>',
  '<i>',
  '</i>',
  '<em>',
  '<span style="color:red">',
  '</span>',
  '<font face="x">',
  '</font>',
  '<div dir="ltr">',
  '</div>',
  '<DIV>',
  '<p>',
  '</p>',
  '<br>',
  '<br/>',
  '<a href="https://example.com/x">',
  '<a href="javascript:alert(1)">',
  '</a>',
  '<img src="x">',
  '<script>',
  '</script>',
  '<!-- note -->',
  '<x-card>',
  '<ul><li>',
  '<h1>',
  '<pre>',
  '<body>',
  '<!DOCTYPE html>',
  '<![CDATA[x]]>',
  '</',
  '<b',
)
const line = fc.array(fc.oneof({ weight: 3, arbitrary: piece }, { weight: 2, arbitrary: tag }), { maxLength: 14 }).map((parts) => parts.join(''))
// The common shape: text and inline styling inside block wrappers, which the shortcut should take.
const wrapped = fc
  .tuple(fc.constantFrom('', '<div dir="ltr">', '<p>', '<div><p>', ' <div>\n'), fc.array(fc.oneof(piece, fc.constantFrom('<b>', '</b>', '<span>', '</span>', '<i>', '</i>')), { maxLength: 10 }), fc.constantFrom('', '</div>', '</p>', '</p></div>', '</div> '))
  .map(([open, parts, close]) => `${open}${parts.join('')}${close}`)

describe('simpleHtmlToText', () => {
  test('agrees with html-to-text on every generated line it takes', () => {
    let taken = 0
    fc.assert(
      fc.property(fc.oneof(line, wrapped), (html) => {
        const fast = simpleHtmlToText(html)
        if (fast !== undefined) taken += 1
        expect(htmlToPlainText(html)).toBe(htmlToPlainTextByConverter(html))
      }),
      { numRuns: 3000 },
    )
    // The comparison means something only if the shortcut is taken often.
    expect(taken).toBeGreaterThan(600)
  })

  test('takes text without markup and simple inline markup in wrappers; leaves the rest', () => {
    expect(simpleHtmlToText('Visitor  line\n two')).toBe('Visitor line two')
    expect(simpleHtmlToText('<div dir="ltr">Agent line <b>7</b> &amp; more</div>')).toBe('Agent line 7 & more')
    expect(simpleHtmlToText('a<br>b')).toBeUndefined()
    expect(simpleHtmlToText('<div>a</div><div>b</div>')).toBeUndefined()
    expect(simpleHtmlToText('<a href="https://example.com">x</a>')).toBeUndefined()
    expect(simpleHtmlToText('<script>alert(1)</script>ok')).toBeUndefined()
    expect(simpleHtmlToText('a<!-- b -->c')).toBeUndefined()
  })

  test('the hand-written cases convert as html-to-text converts them', () => {
    for (const html of ['<div dir="ltr">fish &amp; <b>chips</b> &#65;&nbsp;&lt;3</div>', '  padded  ', '<p> x </p>  ', '<div><p>one <i>two</i></p></div>', 'x &lt;script&gt;']) {
      expect(htmlToPlainText(html)).toBe(htmlToPlainTextByConverter(html))
    }
  })
})
