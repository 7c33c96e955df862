import { strict as assert } from 'node:assert';
import { describeTargets, readKubeConfig, readTargets, type TargetEnvironment } from '../../../src/shell/target';

/** A fake machine: files by path, an environment, a home folder. */
function machine(files: Record<string, string>, env: Record<string, string> = {}): TargetEnvironment {
  return { env, home: '/home/oncall', readFile: (path) => files[path] };
}

const KUBECONFIG_MAIN = [
  'apiVersion: v1',
  'kind: Config',
  'current-context: prod-eu',
  'contexts:',
  '  - name: prod-eu',
  '    context: { cluster: eu-west-1, namespace: payments, user: oncall }',
  '  - name: staging',
  '    context: { cluster: staging, user: oncall }',
].join('\n');
const KUBECONFIG_OTHER = ['current-context: lab', 'contexts:', '  - name: lab', '    context: { cluster: lab, namespace: tools }', '  - name: prod-eu', '    context: { cluster: shadowed, namespace: shadowed }'].join('\n');

const descriptions = (command: string, m: TargetEnvironment) => readTargets(command, m).map((t) => t.description);
const names = (command: string, m: TargetEnvironment) => readTargets(command, m).map((t) => `${t.kind}:${t.name}`);

describe('the target of a command, read locally', () => {
  const home = machine({ '/home/oncall/.kube/config': KUBECONFIG_MAIN });

  it('reads the current kube context and its namespace from ~/.kube/config', () => {
    assert.deepEqual(descriptions('kubectl delete pod api-7d9f --force --grace-period=0', home), [
      'Kubernetes context prod-eu (cluster eu-west-1), namespace payments (from ~/.kube/config)',
    ]);
  });

  it('lets --context and -n in the command win, in every spelling', () => {
    assert.deepEqual(names('kubectl --context staging -n web delete pod x', home), ['kube:staging']);
    assert.match(descriptions('kubectl --context=staging --namespace=web delete pod x', home)[0], /^Kubernetes context staging, namespace web \(from --context\)$/);
    assert.match(descriptions('kubectl -nweb delete pod x', home)[0], /context prod-eu .*namespace web/);
    assert.match(descriptions('kubectl --context staging delete pod x', home)[0], /namespace default/);
    assert.deepEqual(names('helm --kube-context staging uninstall api', home), ['kube:staging']);
  });

  it('follows KUBECONFIG: the first file naming a current context wins, contexts merge first-wins', () => {
    const m = machine({ '/etc/kube/a.yaml': 'contexts: []', '/etc/kube/b.yaml': KUBECONFIG_OTHER, '/home/oncall/.kube/config': KUBECONFIG_MAIN }, { KUBECONFIG: '/etc/kube/missing.yaml:/etc/kube/a.yaml:/etc/kube/b.yaml' });
    assert.match(descriptions('kubectl delete ns x', m)[0], /^Kubernetes context lab, namespace tools \(from \/etc\/kube\/a.yaml:\/etc\/kube\/b.yaml\)$/);
    const config = readKubeConfig(undefined, machine({ '/x': KUBECONFIG_MAIN, '/y': KUBECONFIG_OTHER }, { KUBECONFIG: '/x:/y' }));
    assert.equal(config.currentContext, 'prod-eu');
    assert.deepEqual(config.contexts.get('prod-eu'), { cluster: 'eu-west-1', namespace: 'payments' });
  });

  it('honours --kubeconfig and a use-context earlier in the block', () => {
    const m = machine({ '/srv/kc': KUBECONFIG_OTHER, '/home/oncall/.kube/config': KUBECONFIG_MAIN });
    assert.deepEqual(names('kubectl --kubeconfig /srv/kc delete pod x', m), ['kube:lab']);
    assert.match(descriptions('kubectl config use-context staging && kubectl delete pod x', m)[0], /context staging, namespace default \(from use-context in this block\)/);
  });

  it('says so when there is no kubeconfig, and survives a broken one', () => {
    assert.deepEqual(descriptions('kubectl delete pod x', machine({})), ['Kubernetes: no current context (looked in ~/.kube/config)']);
    assert.deepEqual(names('kubectl delete pod x', machine({ '/home/oncall/.kube/config': ': : [unclosed' })), ['kube:unknown']);
    assert.deepEqual(names('kubectl delete pod x', machine({ '/home/oncall/.kube/config': 'a: &a [*a, *a, *a]' })), ['kube:unknown']);
  });

  it('reads the AWS profile and region from flags, the environment and ~/.aws/config', () => {
    const m = machine({ '/home/oncall/.aws/config': '[default]\nregion = us-east-1\n[profile prod]\nregion=eu-west-1\n' });
    assert.deepEqual(descriptions('aws ec2 terminate-instances --instance-ids i-1', m), ['AWS profile default, region us-east-1']);
    assert.deepEqual(descriptions('aws --profile prod s3 rb s3://b', m), ['AWS profile prod, region eu-west-1']);
    assert.deepEqual(descriptions('aws --profile prod --region ap-south-1 s3 rb s3://b', m), ['AWS profile prod, region ap-south-1']);
    const env = machine({}, { AWS_PROFILE: 'ops', AWS_REGION: 'sa-east-1' });
    assert.deepEqual(descriptions('aws s3 rm s3://b --recursive', env), ['AWS profile ops, region sa-east-1']);
  });

  it('reads the gcloud project from --project, the environment or the active configuration', () => {
    const m = machine({ '/home/oncall/.config/gcloud/active_config': 'work\n', '/home/oncall/.config/gcloud/configurations/config_work': '[core]\naccount = me@x\nproject = shop-prod\n' });
    assert.deepEqual(descriptions('gcloud compute instances delete web-1', m), ['gcloud project shop-prod (configuration work)']);
    assert.deepEqual(descriptions('gcloud --project shop-dev compute instances delete web-1', m), ['gcloud project shop-dev']);
    assert.deepEqual(descriptions('gcloud sql instances delete db', machine({}, { CLOUDSDK_CORE_PROJECT: 'envproj' })), ['gcloud project envproj']);
  });

  it('names the ssh host, and puts the remote commands on that host', () => {
    assert.deepEqual(descriptions("ssh -p 2222 ops@db1 'sudo rm -rf /var/lib/x'", home), ['ssh host ops@db1']);
    assert.deepEqual(descriptions("ssh bastion 'kubectl delete pod x'", home), ['ssh host bastion', 'Kubernetes context on bastion (its settings are there, not read here)']);
    assert.deepEqual(names('ssh db1 <<EOF\nrm -rf /x\nEOF', home), ['ssh:db1']);
  });

  it('reads database hosts from flags, URLs and the environment', () => {
    assert.deepEqual(names("psql -h db.prod.internal -U app -c 'DROP TABLE x'", home), ['database:db.prod.internal']);
    assert.deepEqual(names("psql postgresql://app@db-primary:5432/orders -c 'TRUNCATE t'", home), ['database:db-primary']);
    assert.deepEqual(names("psql 'host=pg1 dbname=x' -c 'DROP TABLE x'", home), ['database:pg1']);
    assert.deepEqual(names('mysql -hmy-primary -e "DROP DATABASE x"', home), ['database:my-primary']);
    assert.deepEqual(names('redis-cli -h cache-1 FLUSHALL', home), ['database:cache-1']);
    assert.deepEqual(names("mongosh mongodb+srv://u@cluster0.mongo.net/app --eval 'db.dropDatabase()'", home), ['database:cluster0.mongo.net']);
    assert.deepEqual(names("psql -c 'DROP TABLE x'", machine({}, { PGHOST: 'pg-env' })), ['database:pg-env']);
    assert.match(descriptions("psql -c 'DROP TABLE x'", home)[0], /localhost \(the local default\)/);
  });

  it('looks inside sh -c, kubectl exec and pipelines, once per target', () => {
    assert.deepEqual(names("sh -c 'kubectl delete pod a; kubectl delete pod b'", home), ['kube:prod-eu']);
    assert.deepEqual(names("kubectl exec -it db-0 -- psql -h localhost -c 'DROP TABLE x'", home), ['kube:prod-eu', 'database:localhost']);
    assert.equal(describeTargets(readTargets('rm -rf /data', home)), '');
  });
});
