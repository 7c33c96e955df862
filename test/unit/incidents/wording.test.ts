// The words people read: no doubled words anywhere in the product's text, and severity
// descriptions that fit (and say the response time) where a severity is picked.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SEVERITIES } from '../../../src/runbooks/model';
import { SEVERITY_GUIDE, severityDetail, severityPick, severityResponse } from '../../../src/incidents/severity';

const ROOT = join(__dirname, '..', '..', '..');
const DOUBLED = /\b([A-Za-z]{2,})\s+\1\b(?!-)/i;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('wording', () => {
  it('no word is written twice in a row in the sources or the manifest ("within within")', () => {
    const found: string[] = [];
    for (const file of [...files(join(ROOT, 'src')), join(ROOT, 'package.json'), join(ROOT, 'media', 'timeline.css')]) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const m = DOUBLED.exec(line);
        if (m) found.push(`${file.slice(ROOT.length + 1)}:${i + 1}: ${m[0]}`);
      });
    }
    assert.deepEqual(found, []);
    // The check itself finds what it is for.
    assert.ok(DOUBLED.test('Respond within within a few hours'));
    assert.ok(!DOUBLED.test('ansible ansible-playbook'));
  });

  it('every severity reads as whole sentences: "Respond within …" / "Respond by …", never "within within"', () => {
    for (const level of SEVERITIES) {
      const g = SEVERITY_GUIDE[level];
      assert.equal(g.level, level);
      assert.ok(g.examples.length >= 3);
      const response = severityResponse(level);
      assert.match(response, /^Respond (within|by) [^.]+\.$/);
      assert.doesNotMatch(response, DOUBLED);
      assert.ok(severityDetail(level).endsWith(response));
      assert.ok(severityDetail(level).includes(g.examples[0]));
    }
  });

  it('the severity pick shows each part whole: the response time beside the name, a definition short enough for one line', () => {
    for (const level of SEVERITIES) {
      const pick = severityPick(level);
      assert.match(pick.label, new RegExp(`^${level} — ${SEVERITY_GUIDE[level].name}$`));
      assert.equal(pick.description, severityResponse(level));
      // About what a quick pick shows on one line at 1000 px before cutting it.
      assert.ok(pick.detail.length <= 86, `${level}: ${pick.detail.length} characters`);
    }
  });
});
