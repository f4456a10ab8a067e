// The kubernetes target's part of a record: flags over deploymentconfig.json over the current record; context and
// namespace fixed once deployed; a registry is required; what Kubernetes cannot honour is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDeploymentConfig } from '../../../../../src/core/config/deploymentConfig';
import { kubernetesSettings } from '../../../../../src/core/services/kubernetes/kubernetesSettings';
import type { TargetRequest } from '../../../../../src/core/services/target';

const defaults = () => ({ context: 'aks-prod', namespace: 'team' });
const env = { MODELPORT_REGISTRY: 'myacr.azurecr.io' };
const config = (json: object) => parseDeploymentConfig(JSON.stringify({ computeType: 'aks', ...json }), 'deploymentconfig.json', '/p');
const req = (over: Partial<TargetRequest> = {}): TargetRequest => ({ name: 'web', config: undefined, baseImage: undefined, ...over });

test('a quick deploy: the current context and its namespace, one replica, a LoadBalancer, MODELPORT_REGISTRY', () => {
  const s = kubernetesSettings(req(), undefined, defaults, env);
  assert.equal(s.context, 'aks-prod');
  assert.equal(s.namespace, 'team');
  assert.equal(s.replicas, 1);
  assert.equal(s.autoscaler, undefined);
  assert.equal(s.serviceType, 'LoadBalancer');
  assert.equal(s.registry, 'myacr.azurecr.io');
  assert.equal(s.flavour, 'deployment');
});

test('the config: numReplicas, autoscaler, resources, probes, namespace, context; flags win', () => {
  const fixed = kubernetesSettings(req({ config: config({ numReplicas: 3, namespace: 'ml', kubeContext: 'other', containerResourceRequirements: { cpu: 1, memoryInGB: 2 } }) }), undefined, defaults, env);
  assert.equal(fixed.replicas, 3);
  assert.equal(fixed.namespace, 'ml');
  assert.equal(fixed.context, 'other');
  assert.deepEqual(fixed.resources, { cpu: 1, memoryInGB: 2 });
  const auto = kubernetesSettings(req({ config: config({ autoScaler: { minReplicas: 2, maxReplicas: 4 } }) }), undefined, defaults, env);
  assert.deepEqual(auto.autoscaler, { minReplicas: 2, maxReplicas: 4, targetUtilization: 70, refreshPeriodInSeconds: 1 });
  assert.equal(auto.replicas, undefined);
  const flags = kubernetesSettings(req({ config: config({ numReplicas: 3 }), kubernetes: { replicas: 5, serviceType: 'ClusterIP', registry: 'http://reg.example:5000/' } }), undefined, defaults, env);
  assert.equal(flags.replicas, 5);
  assert.equal(flags.serviceType, 'ClusterIP');
  assert.equal(flags.registry, 'reg.example:5000');
});

test('an update keeps context and namespace, and refuses to move them', () => {
  const current = kubernetesSettings(req({ kubernetes: { namespace: 'ml' } }), undefined, defaults, env);
  assert.equal(kubernetesSettings(req({ kubernetes: { replicas: 2 } }), { ...current, imageReference: 'r/x:1' }, defaults, {}).imageReference, 'r/x:1');
  assert.throws(() => kubernetesSettings(req({ kubernetes: { namespace: 'other' } }), current, defaults, env), /runs in namespace 'ml'; an update cannot move it to 'other'/);
  assert.throws(() => kubernetesSettings(req({ kubernetes: { context: 'elsewhere' } }), current, defaults, env), /runs in kube context 'aks-prod'/);
});

test('no registry, docker.runArgs, docker.imageName or sslEnabled: refused with what to do', () => {
  assert.throws(() => kubernetesSettings(req(), undefined, defaults, {}), /pass --registry LOGIN_SERVER .* or set MODELPORT_REGISTRY/);
  assert.throws(() => kubernetesSettings(req({ config: config({ docker: { runArgs: ['--gpus', 'all'] } }) }), undefined, defaults, env), /docker\.runArgs applies to the docker target only/);
  assert.throws(() => kubernetesSettings(req({ config: config({ docker: { imageName: 'x/y:1' } }) }), undefined, defaults, env), /docker\.imageName is not used for Kubernetes/);
  assert.throws(() => kubernetesSettings(req({ config: config({ sslEnabled: true, sslCertificate: 'c.pem', sslKey: 'k.pem' }) }), undefined, defaults, env), /sslEnabled is not supported/);
});
