import { strict as assert } from 'node:assert';
import { visibleText } from '../../../src/protocol/visibleText';

describe('visibleText', () => {
  it('writes direction overrides and isolates out as code points, so they cannot reorder what follows', () => {
    assert.equal(visibleText('invoice\u202Egnp.exe'), 'invoice[U+202E]gnp.exe');
    assert.equal(visibleText('a\u2066b\u2069c\u202Ad'), 'a[U+2066]b[U+2069]c[U+202A]d');
  });

  it('leaves every other text as it is, right-to-left scripts included', () => {
    for (const text of ['Checkout returns 502', 'שלום עולם', 'مرحبا', '🔥 ünïcödé 中文', '<img src=x>', '']) {
      assert.equal(visibleText(text), text);
    }
  });
});
