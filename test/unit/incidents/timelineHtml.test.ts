import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, timelineHtml } from '../../../src/vscode/incidents/timelineHtml';

describe('timeline page HTML', () => {
  const html = timelineHtml({ cspSource: 'https://file+.vscode-resource.example', nonce: 'bm9uY2U+PQ==', scriptUri: 'https://x/dist/webview/timeline.js', styleUri: 'https://x/media/timeline.css' });

  it('allows nothing by default, and scripts and styles only with the nonce', () => {
    const csp = contentSecurityPolicy('https://res', 'N');
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-N'(;|$)/);
    assert.match(csp, /style-src 'nonce-N'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  });

  it('carries the nonce on the script, the stylesheet and the csp-nonce meta the toolkit reads', () => {
    assert.match(html, /<meta name="csp-nonce" property="csp-nonce" content="bm9uY2U\+PQ==">/);
    assert.match(html, /<script nonce="bm9uY2U\+PQ==" src="https:\/\/x\/dist\/webview\/timeline.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" nonce="bm9uY2U\+PQ==" href="https:\/\/x\/media\/timeline.css">/);
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, no inline code');
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
  });
});
