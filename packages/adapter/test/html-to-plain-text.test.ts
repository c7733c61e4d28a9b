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

  test('links keep their text and drop their href, javascript: included', () => {
    expect(htmlToPlainText('<a href="javascript:alert(1)">click</a> or <a href="https://example.com/help">help</a>')).toBe('click or help')
  })

  test('escaped markup stays text: the result is plain text, not HTML', () => {
    expect(htmlToPlainText('&lt;b&gt;bold&lt;/b&gt;')).toBe('<b>bold</b>')
  })

  test('line breaks and paragraphs become newlines', () => {
    expect(htmlToPlainText('a<br>b<p>c</p>')).toBe('a\nb\n\nc')
  })
})
