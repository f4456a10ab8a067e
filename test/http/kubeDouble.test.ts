// The contract of the kube-apiserver double, spoken to by the real @kubernetes/client-node: authentication,
// Status errors with the real reasons and codes, schema validation, server-side apply ownership and conflicts,
// watch from a resourceVersion, injected faults as the Kubernetes target translates them, and a rollout that
// cannot pull its image ending in ProgressDeadlineExceeded. Needs no container engine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { applyObject } from '../../src/core/services/kubernetes/applyObjects';
import { connect, loadKubeModule, type KubeConnection, type KubeModule } from '../../src/core/services/kubernetes/kubeClient';
import { KubernetesError } from '../../src/core/services/kubernetes/kubeErrors';
import { waitForRollout } from '../../src/core/services/kubernetes/rollout';
import { DeploymentFailedError } from '../../src/core/services/deploymentFailedError';
import { startKubeDouble, type KubeDouble } from '../doubles/kubernetes/kubeDouble';

interface ApiErr {
  code: number;
  body: string;
}
async function statusOf(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; details?: { causes?: Array<{ field: string }> } }> {
  try {
    await p;
  } catch (err) {
    const e = err as ApiErr;
    // The client keeps no body for the responses its API declares (401): then the code is what it has.
    return { code: e.code, ...(typeof e.body === 'string' ? (JSON.parse(e.body) as { reason: string; message: string }) : { reason: '', message: '' }) };
  }
  throw new Error('expected the call to fail');
}

describe('kube-apiserver double', () => {
  let double: KubeDouble;
  let k8s: KubeModule;
  let conn: KubeConnection;
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: double.kubeconfig });

  before(async () => {
    double = await startKubeDouble({ namespace: 'team' });
    double.createNamespace('team');
    k8s = await loadKubeModule();
    conn = connect(k8s, undefined, env());
  });
  after(async () => {
    await double.stop();
  });

  test('the kubeconfig gives the context, its namespace and the HTTPS server; a wrong token is 401', async () => {
    assert.equal(conn.context, double.context);
    assert.equal(conn.defaultNamespace, 'team');
    assert.equal(conn.server, double.server);
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: double.server, skipTLSVerify: true }], users: [{ name: 'u', token: 'wrong' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    const s = await statusOf(kc.makeApiClient(k8s.CoreV1Api).listNamespace());
    assert.equal(s.code, 401);
    assert.ok(double.requests.some((r) => r.path === '/api/v1/namespaces'), 'the request reached the double');
  });

  test('Status errors: 409 AlreadyExists, 404 NotFound, 404 for a missing namespace, 422 Invalid with causes', async () => {
    const secret = { metadata: { name: 's1' }, stringData: { a: 'b' } };
    await conn.core.createNamespacedSecret({ namespace: 'team', body: secret });
    const read = await conn.core.readNamespacedSecret({ name: 's1', namespace: 'team' });
    assert.equal(Buffer.from(read.data?.a ?? '', 'base64').toString(), 'b', 'stringData is stored as data');
    const again = await statusOf(conn.core.createNamespacedSecret({ namespace: 'team', body: secret }));
    assert.deepEqual([again.code, again.reason, again.message], [409, 'AlreadyExists', 'secrets "s1" already exists']);
    const missing = await statusOf(conn.core.readNamespacedSecret({ name: 'nope', namespace: 'team' }));
    assert.deepEqual([missing.code, missing.reason, missing.message], [404, 'NotFound', 'secrets "nope" not found']);
    const noNs = await statusOf(conn.core.createNamespacedSecret({ namespace: 'ghost', body: secret }));
    assert.deepEqual([noNs.code, noNs.message], [404, 'namespaces "ghost" not found']);
    const invalid = await statusOf(
      conn.apps.createNamespacedDeployment({
        namespace: 'team',
        body: { metadata: { name: 'bad' }, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: 'lots' } } }] } } } },
      }),
    );
    assert.equal(invalid.code, 422);
    assert.equal(invalid.reason, 'Invalid');
    assert.deepEqual(invalid.details?.causes?.map((c) => c.field).sort(), ['spec.template.metadata.labels', 'spec.template.spec.containers[0].resources.requests[cpu]']);
    const schema = await statusOf(conn.core.createNamespacedService({ namespace: 'team', body: { metadata: { name: 'svc' }, spec: { ports: [{ port: 'eighty' as unknown as number }] } } }));
    assert.equal(schema.code, 422, 'the OpenAPI schema rejects a string port');
  });

  test('server-side apply: ownership per field, conflicts, force, fields of other managers kept, dropped fields removed', async () => {
    const cm = (labels: Record<string, string>, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'owned', namespace: 'team', labels }, data });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    await conn.objects.patch(cm({ app: 'a' }, { k1: b64('1'), k2: b64('2') }), undefined, undefined, 'modelport', false, k8s.PatchStrategy.ServerSideApply);
    // Another manager changes k1 with a merge patch: it now owns k1.
    await conn.core.patchNamespacedSecret({ name: 'owned', namespace: 'team', body: { metadata: { labels: { team: 'ml' } }, data: { k1: b64('other') } }, fieldManager: 'kubectl-edit' }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    const conflict = await statusOf(conn.objects.patch(cm({ app: 'a' }, { k1: b64('1'), k2: b64('2') }), undefined, undefined, 'modelport', false, k8s.PatchStrategy.ServerSideApply));
    assert.equal(conflict.code, 409);
    assert.equal(conflict.reason, 'Conflict');
    assert.match(conflict.message, /Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: \.data\.k1/);
    // Forced, without k2: k1 comes back to modelport, k2 (only modelport's) goes, the other manager's label stays.
    const forced = (await conn.objects.patch(cm({ app: 'a' }, { k1: b64('1') }), undefined, undefined, 'modelport', true, k8s.PatchStrategy.ServerSideApply)) as unknown as { data: Record<string, string>; metadata: { labels: Record<string, string>; managedFields: Array<{ manager: string; fieldsV1: object }> } };
    assert.deepEqual(forced.data, { k1: b64('1') });
    assert.deepEqual(forced.metadata.labels, { app: 'a', team: 'ml' });
    const byManager = Object.fromEntries(forced.metadata.managedFields.map((m) => [m.manager, m.fieldsV1]));
    assert.deepEqual(byManager.modelport, { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:data': { 'f:k1': {} } });
    assert.deepEqual(byManager['kubectl-edit'], { 'f:metadata': { 'f:labels': { 'f:team': {} } } });
    const noManager = await statusOf(conn.objects.patch(cm({}, {}), undefined, undefined, undefined, false, k8s.PatchStrategy.ServerSideApply));
    assert.equal(noManager.code, 400, 'apply needs a field manager');
  });

  test('watch from a resourceVersion streams later changes only', async () => {
    const list = await conn.core.listNamespacedSecret({ namespace: 'team' });
    const seen: string[] = [];
    const watcher = new k8s.Watch(conn.config);
    let stop: AbortController | undefined;
    const got = new Promise<void>((resolve, reject) => {
      void watcher
        .watch('/api/v1/namespaces/team/secrets', { resourceVersion: list.metadata?.resourceVersion }, (type, obj: { metadata: { name: string } }) => {
          seen.push(`${type} ${obj.metadata.name}`);
          if (seen.length === 2) resolve();
        }, (err) => (err ? reject(err as Error) : undefined))
        .then((c) => (stop = c), reject);
    });
    await new Promise((r) => setTimeout(r, 200));
    await conn.core.createNamespacedSecret({ namespace: 'team', body: { metadata: { name: 'later' } } });
    await conn.core.deleteNamespacedSecret({ name: 'later', namespace: 'team' });
    await got;
    stop?.abort();
    assert.deepEqual(seen, ['ADDED later', 'DELETED later']);
  });

  test('injected faults reach users as what to do: forbidden, quota exceeded, namespace missing', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'f', namespace: 'team' } };
    double.faults.push({ method: 'PATCH', path: /\/secrets\/f$/, code: 403, reason: 'Forbidden', message: 'secrets "f" is forbidden: User "dev" cannot patch resource "secrets" in API group "" in the namespace "team"', times: 1 });
    await assert.rejects(applyObject(conn, secret), (err: unknown) => err instanceof KubernetesError && /^Forbidden by the cluster's RBAC while trying to apply Secret f: .*Ask a cluster admin/.test(err.message));
    double.faults.push({ method: 'PATCH', path: /\/secrets\/f$/, code: 403, reason: 'Forbidden', message: 'secrets "f" is forbidden: exceeded quota: objects, requested: count/secrets=1, used: count/secrets=10, limited: count/secrets=10', times: 1 });
    await assert.rejects(applyObject(conn, secret), (err: unknown) => err instanceof KubernetesError && /ResourceQuota that refuses this/.test(err.message));
    await assert.rejects(applyObject(conn, { ...secret, metadata: { name: 'f', namespace: 'nowhere' } }), (err: unknown) => err instanceof KubernetesError && /Namespace 'nowhere' does not exist.*kubectl create namespace nowhere/.test(err.message));
    await applyObject(conn, secret);
  });

  test('a rollout whose image cannot be pulled ends with ProgressDeadlineExceeded, the reason and the advice', async () => {
    const labels = { app: 'nopull' };
    await applyObject(conn, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nopull', namespace: 'team', labels: { ...labels, 'app.kubernetes.io/version': '1' } },
      spec: {
        replicas: 1,
        progressDeadlineSeconds: 8,
        selector: { matchLabels: labels },
        template: { metadata: { labels: { ...labels, 'app.kubernetes.io/instance': 'nopull', 'app.kubernetes.io/managed-by': 'modelport', 'app.kubernetes.io/version': '1' } }, spec: { containers: [{ name: 'scoring', image: '127.0.0.1:9/modelport/does-not-exist:1' }] } },
      },
    });
    const progress: string[] = [];
    await assert.rejects(waitForRollout(conn, { name: 'nopull', namespace: 'team', generation: 1, progressDeadlineSeconds: 8 }, { onProgress: (l) => progress.push(l) }), (err: unknown) => {
      assert.ok(err instanceof DeploymentFailedError);
      assert.match(err.message, /exceeded its progress deadline \(8 s\).*ImagePullBackOff|exceeded its progress deadline \(8 s\).*ErrImagePull/);
      assert.match(err.message, /cannot pull the image/);
      return true;
    });
    assert.ok(progress.some((l) => /pod nopull-\S+: (ErrImagePull|ImagePullBackOff)/.test(l)), progress.join('\n'));
    assert.ok(progress.some((l) => /Failed: Failed to pull image/.test(l)), 'the pod\'s Warning event is shown');
  });
});
