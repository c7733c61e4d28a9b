import { describe, expect, test } from 'vitest'
import { htmlToPlainText } from '../src/html-to-plain-text.js'

describe('htmlToPlainText', () => {
  test('drops tags and decodes entities', () => {
    expect(htmlToPlainText('<div dir="ltr">fish &amp; <b>chips</b> &#65;&nbsp;&lt;3</div>')).toBe('fish & chips A\u00a0<3')
  })

  test('no script or style survives', () => {
    const text = htmlToPlainText('<script>alert(1)</script><style>p{color:red}</style><p>ok</p><img src=x onerror="alert(2)">')
    expect(text).toBe('ok')
    expect(text).not.toMatch(/alert|onerror|color/)
  })

  test('links keep their text; web targets are kept, javascript: and data: ones dropped', () => {
    expect(htmlToPlainText('<a href="javascript:alert(1)">click</a> or <a href="https://example.com/help">help</a>')).toBe('click or help [https://example.com/help]')
    expect(htmlToPlainText('<a href=" JavaScript:alert(1)">a</a> <a href="data:text/html,x">b</a> <a href="#top">c</a>')).toBe('a b c')
    expect(htmlToPlainText('see <a href="https://example.com/order">https://example.com/order</a>')).toBe('see https://example.com/order')
  })

  test('escaped markup stays text: the result is plain text, not HTML', () => {
    expect(htmlToPlainText('&lt;b&gt;bold&lt;/b&gt;')).toBe('<b>bold</b>')
  })

  test('line breaks and paragraphs become newlines', () => {
    expect(htmlToPlainText('a<br>b<p>c</p>')).toBe('a\nb\n\nc')
  })
})
