import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { confirmationWord, dangerDetail, dangerNotice, wrapCommand } from '../../../src/shell/confirmText';
import { findDanger } from '../../../src/shell/danger';
import type { RunTarget } from '../../../src/shell/target';

const KUBE: RunTarget = { kind: 'kube', name: 'prod-eu', description: 'Kubernetes context prod-eu, namespace payments (from ~/.kube/config)' };

/** What bash reads from the text, as words: the wrapped command must read the same. */
function wordsOf(command: string): string {
  return execFileSync('bash', ['-c', `set -- ${command.replace(/\n/g, '\n')}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
}

describe('the danger confirmation text', () => {
  it('never breaks an option: kubectl delete … --grace-period=0 wraps at spaces only', () => {
    const command = 'kubectl --context prod-eu -n payments delete pod checkout-api-7d9f8b6c5d-x2k4q --force --grace-period=0 --wait=false';
    const wrapped = wrapCommand(command, 40);
    for (const line of wrapped.split('\n')) assert.ok(line.length <= 40 || !line.trimStart().includes(' '), `line too long: ${line}`);
    assert.ok(wrapped.includes('--grace-period=0'), wrapped);
    assert.ok(wrapped.split('\n').every((l, k, all) => k === all.length - 1 || l.endsWith(' \\')), 'each break is a continuation');
    assert.equal(wrapped.replace(/ \\\n\s*/g, ' '), command, 'joining the continuations gives the command back');
  });

  it('keeps quoted strings, comments and here-documents whole (the wrapped text is the same command)', () => {
    const command = "ssh db1 'sudo rm -rf /var/lib/postgresql/14/main/pg_wal/archive_status' && echo \"done with the cleanup of the archive\" # note that stays whole";
    const wrapped = wrapCommand(command, 30);
    assert.ok(wrapped.includes("'sudo rm -rf /var/lib/postgresql/14/main/pg_wal/archive_status'"));
    assert.ok(wrapped.includes('"done with the cleanup of the archive"'));
    assert.ok(wrapped.includes('# note that stays whole'));
    assert.equal(wordsOf(wrapped.replace(/ #.*$/, '')), wordsOf(command.replace(/ #.*$/, '')));
    const heredoc = 'cat <<EOF | kubectl apply -f -\nkind: ConfigMap with a very long line that must not be broken at all\nEOF';
    assert.ok(wrapCommand(heredoc, 20).endsWith('\nkind: ConfigMap with a very long line that must not be broken at all\nEOF'));
  });

  it('asks for the target name, or `run` when no target is known', () => {
    assert.equal(confirmationWord([KUBE]), 'prod-eu');
    assert.equal(confirmationWord([]), 'run');
    assert.equal(confirmationWord([{ kind: 'kube', name: 'unknown', description: 'Kubernetes: no current context' }]), 'run');
  });

  it('shows the target, the reasons, the command and the next step', () => {
    const command = 'kubectl delete pod api-7d9f --force --grace-period=0';
    const detail = dangerDetail({ command, findings: findDanger(command), markedDangerous: false, commandCount: 1, targets: [KUBE] }, 40);
    assert.match(detail, /^Target: Kubernetes context prod-eu, namespace payments/);
    assert.match(detail, /• Deletes Kubernetes resources \(kubectl-delete\)/);
    assert.match(detail, /kubectl delete pod api-7d9f --force \\\n {4}--grace-period=0/);
    assert.match(detail, /Next you type “prod-eu” to run it\. Enter or Escape here runs nothing\./);
  });

  it('tells the placeholder prompts of a dangerous block that it is dangerous', () => {
    assert.equal(dangerNotice([], false), undefined);
    assert.equal(dangerNotice(findDanger('kubectl delete ns x'), false), 'Dangerous block — Deletes Kubernetes resources (kubectl-delete). You will confirm before it runs.');
    assert.match(dangerNotice([], true)!, /marks this block as dangerous/);
  });
});
