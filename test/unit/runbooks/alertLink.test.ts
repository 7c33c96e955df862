import { strict as assert } from 'node:assert';
import { describeLabels, parseAlertQuery } from '../../../src/runbooks/alertLink';
import { refuseValue } from '../../../src/shell/quote';

describe('alert links with labels', () => {
  it('reads the alert name, its labels and its link', () => {
    const r = parseAlertQuery('name=KubePodCrashLooping&namespace=prod&pod=api-7f9c&link=https%3A%2F%2Fam.example.invalid%2F%23%2Falerts');
    assert.ok(r.ok);
    assert.deepEqual(r.alert, { name: 'KubePodCrashLooping', labels: { namespace: 'prod', pod: 'api-7f9c' }, link: 'https://am.example.invalid/#/alerts' });
    assert.deepEqual(r.ignored, []);
  });

  it('needs a name, and keeps only http(s) links', () => {
    assert.deepEqual(parseAlertQuery('namespace=prod'), { ok: false, reason: 'the link names no alert (`name=` is missing)' });
    const r = parseAlertQuery('name=A&link=javascript%3Aalert(1)');
    assert.ok(r.ok && r.alert.link === undefined);
  });

  it('leaves out label names that are not names, repeated labels, and prototype keys', () => {
    const r = parseAlertQuery('name=A&ok=1&bad%20name=2&__proto__=x&constructor=y&dup=1&dup=2&%24(id)=3');
    assert.ok(r.ok);
    assert.deepEqual(r.alert.labels, { ok: '1' });
    assert.equal(Object.getPrototypeOf(r.alert.labels), Object.prototype);
    assert.deepEqual(r.ignored, ['bad name (not a label name)', '__proto__ (not a label name)', 'constructor (not a label name)', 'dup (given twice)', '$(id) (not a label name)']);
  });

  it('keeps hostile values as they are: the input checks and quoting decide, as for typed values', () => {
    const r = parseAlertQuery(`name=A&pod=${encodeURIComponent("x'; touch /tmp/pwned; echo '")}&ns=${encodeURIComponent('a\nb')}`);
    assert.ok(r.ok);
    assert.equal(r.alert.labels.pod, "x'; touch /tmp/pwned; echo '");
    assert.equal(refuseValue(r.alert.labels.pod), null, 'quoted like any typed value');
    assert.match(String(refuseValue(r.alert.labels.ns)), /control character/, 'refused like a typed value with a line break');
    assert.equal(describeLabels(r.alert.labels), "pod=x'; touch /tmp/pwned; echo ', ns=a\\x0ab");
  });
});
