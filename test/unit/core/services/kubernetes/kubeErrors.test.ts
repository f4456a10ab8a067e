// Cluster errors as users meet them, each with what to do next.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { kubeconfigFiles } from '../../../../../src/core/services/kubernetes/kubeClient';
import { KubernetesError, translateKubeError } from '../../../../../src/core/services/kubernetes/kubeErrors';
import { podProblems, adviceFor } from '../../../../../src/core/services/kubernetes/podDiagnostics';

const site = { context: 'aks-prod', server: 'https://aks.example:443', namespace: 'ml', action: 'apply Deployment web' };
const api = (code: number, status: object) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body: JSON.stringify(status), headers: {} });
const message = (err: unknown): string => {
  const t = translateKubeError(err, site);
  assert.ok(t instanceof KubernetesError);
  return t.message;
};

test('no kubeconfig: says how to get one', () => {
  const home = mkdtempSync(join(tmpdir(), 'mp-home-'));
  try {
    assert.throws(() => kubeconfigFiles({ HOME: home }), /No kubeconfig: KUBECONFIG is not set and .*\.kube\/config does not exist\. .*az aks get-credentials/);
    assert.throws(() => kubeconfigFiles({ HOME: home, KUBECONFIG: join(home, 'nope') }), /none of these files exists/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('an unreachable cluster: names the context and how to check it', () => {
  const err = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  assert.match(message(err), /Cannot reach the cluster of context 'aks-prod' \(https:\/\/aks\.example:443\): ECONNREFUSED while trying to apply Deployment web\. .*kubectl --context aks-prod cluster-info/);
});

test('forbidden by RBAC: what to ask for', () => {
  const m = message(api(403, { kind: 'Status', reason: 'Forbidden', code: 403, message: 'deployments.apps "web" is forbidden: User "dev" cannot patch resource "deployments" in API group "apps" in the namespace "ml"' }));
  assert.match(m, /^Forbidden by the cluster's RBAC while trying to apply Deployment web: .*cannot patch.*Ask a cluster admin for a Role in namespace 'ml'.*kubectl auth can-i --list -n ml/);
});

test('quota exceeded: lower the request or raise the quota', () => {
  const m = message(api(403, { kind: 'Status', reason: 'Forbidden', code: 403, message: 'pods "web-1" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=2, limited: requests.cpu=2' }));
  assert.match(m, /ResourceQuota that refuses this.*exceeded quota: compute.*Lower containerResourceRequirements or the number of replicas.*kubectl describe resourcequota -n ml/);
});

test('namespace missing: create it or choose another', () => {
  const m = message(api(404, { kind: 'Status', reason: 'NotFound', code: 404, message: 'namespaces "ml" not found', details: { name: 'ml', kind: 'namespaces' } }));
  assert.equal(m, "Namespace 'ml' does not exist in context 'aks-prod' (https://aks.example:443). Create it ('kubectl create namespace ml') or choose another with --namespace / \"namespace\" in deploymentconfig.json.");
});

test('expired credentials and invalid objects', () => {
  assert.match(message(api(401, { reason: 'Unauthorized', code: 401 })), /rejected the kubeconfig's credentials \(401 Unauthorized\).*az aks get-credentials --overwrite-existing/);
  assert.match(message(api(422, { reason: 'Invalid', code: 422, message: 'x', details: { causes: [{ field: 'spec.replicas', message: 'must be >= 0' }] } })), /refused the object as invalid.*spec\.replicas: must be >= 0/);
});

test('image pull failures and crash loops: read from pod status, with advice', () => {
  const pod = (reason: string, message: string, last?: { exitCode: number; reason: string }) => ({ metadata: { name: 'web-abc' }, status: { containerStatuses: [{ name: 'scoring', image: 'x', imageID: '', ready: false, restartCount: 2, state: { waiting: { reason, message } }, ...(last ? { lastState: { terminated: last } } : {}) }] } });
  const [pull] = podProblems([pod('ImagePullBackOff', 'Back-off pulling image "r/x:1"')]);
  assert.deepEqual(pull, { pod: 'web-abc', reason: 'ImagePullBackOff', message: 'Back-off pulling image "r/x:1"', crashed: false });
  assert.match(adviceFor('ImagePullBackOff'), /cannot pull the image.*attach-acr/);
  const [crash] = podProblems([pod('CrashLoopBackOff', 'back-off 20s', { exitCode: 3, reason: 'Error' })]);
  assert.equal(crash?.crashed, true);
  assert.equal(crash?.message, 'back-off 20s (last exit code 3, Error)');
  assert.deepEqual(podProblems([pod('ContainerCreating', '')]), [], 'a pod that is merely starting is no problem');
});
