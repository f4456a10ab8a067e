// The Kubernetes objects of a service, as pure functions of its record, checked against the official schemas
// (the same validator the kube-apiserver double uses).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  autoscalerManifest,
  cpuQuantity,
  deploymentManifest,
  inferenceServiceManifest,
  memoryQuantity,
  pullSecretManifest,
  registryCredentials,
  secretManifest,
  serviceManifest,
  terminationGraceSeconds,
  workloadManifests,
} from '../../../../../src/core/services/kubernetes/manifests';
import { serviceAddress } from '../../../../../src/core/services/kubernetes/serviceAddress';
import type { ServiceRecord } from '../../../../../src/core/services/serviceRecord';
import { SchemaValidator } from '../../../../doubles/kubernetes/schemaValidator';

const keys = { primaryKey: 'pk-secret-value', secondaryKey: 'sk-secret-value', tokenSecret: 'token-secret-value' };

function record(overrides: Partial<ServiceRecord> = {}, target: Partial<Extract<ServiceRecord['target'], { kind: 'kubernetes' }>> = {}): ServiceRecord {
  return {
    name: 'fashion-svc',
    models: ['fashion:1'],
    authMode: 'key',
    corsOrigins: [],
    timeoutMs: 60_000,
    scoringUri: '',
    swaggerUri: '',
    createdTime: '2026-01-01T00:00:00Z',
    updatedTime: '2026-01-01T00:00:00Z',
    generation: 3,
    batching: { enabled: true, maxBatchSize: 16, maxDelayMs: 2 },
    ...overrides,
    target: {
      kind: 'kubernetes',
      context: 'aks-prod',
      namespace: 'ml',
      serviceType: 'LoadBalancer',
      replicas: 2,
      resources: { cpu: 0.5, memoryInGB: 1.5, cpuLimit: 1, memoryInGBLimit: 2 },
      livenessProbe: { periodSeconds: 10, initialDelaySeconds: 310, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 3 },
      progressDeadlineSeconds: 600,
      registry: 'myacr.azurecr.io',
      image: { buildArgs: {} },
      imageReference: 'myacr.azurecr.io/modelport/fashion-svc:3',
      flavour: 'deployment',
      ...target,
    },
  };
}

const validator = new SchemaValidator();
function valid(apiVersion: string, schema: string, object: unknown): void {
  assert.deepEqual(validator.validate(apiVersion, schema, object), [], `${schema} is valid`);
  assert.deepEqual(validator.unknownFields(apiVersion, schema, object), [], `${schema} has no unknown field`);
}

test('quantities: cores to millicores, GB to MiB', () => {
  assert.equal(cpuQuantity(0.1), '100m');
  assert.equal(cpuQuantity(1.5), '1500m');
  assert.equal(memoryQuantity(0.5), '512Mi');
  assert.equal(memoryQuantity(1.5), '1536Mi');
});

test('the Deployment: replicas, rolling update without unavailability, probes, resources, preStop, grace, labels', () => {
  const d = deploymentManifest(record());
  valid('apps/v1', 'io.k8s.api.apps.v1.Deployment', d);
  assert.equal(d.spec?.replicas, 2);
  assert.deepEqual(d.spec?.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  assert.deepEqual(d.metadata?.labels, { 'app.kubernetes.io/name': 'fashion-svc', 'app.kubernetes.io/instance': 'fashion-svc', 'app.kubernetes.io/version': '3', 'app.kubernetes.io/managed-by': 'modelport' });
  assert.deepEqual(d.spec?.selector.matchLabels, { 'app.kubernetes.io/instance': 'fashion-svc', 'app.kubernetes.io/managed-by': 'modelport' });
  const c = d.spec?.template.spec?.containers[0];
  assert.equal(c?.image, 'myacr.azurecr.io/modelport/fashion-svc:3');
  assert.deepEqual(c?.ports, [{ name: 'http', containerPort: 5001, protocol: 'TCP' }]);
  assert.deepEqual(c?.resources, { requests: { cpu: '500m', memory: '1536Mi' }, limits: { cpu: '1000m', memory: '2048Mi' } });
  assert.deepEqual(c?.livenessProbe, { httpGet: { path: '/', port: 'http' }, periodSeconds: 10, initialDelaySeconds: 310, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 3 });
  assert.equal(c?.readinessProbe?.httpGet?.path, '/');
  assert.ok((c?.startupProbe?.failureThreshold ?? 0) * (c?.startupProbe?.periodSeconds ?? 0) >= 310, 'the startup probe allows a slow init()');
  assert.deepEqual(c?.lifecycle?.preStop?.exec?.command, ['sleep', '5']);
  assert.ok((d.spec?.template.spec?.terminationGracePeriodSeconds ?? 0) > 5 + 60, 'the grace period outlasts the preStop pause and the scoring timeout');
  assert.equal(terminationGraceSeconds(record({ timeoutMs: 5000 })), 15);
  assert.deepEqual(
    c?.env?.map((e) => e.name),
    ['MODELPORT_PRIMARY_KEY', 'MODELPORT_SECONDARY_KEY', 'MODELPORT_MAX_BATCH_SIZE', 'MODELPORT_MAX_BATCH_DELAY_MS'],
  );
  const text = JSON.stringify(d);
  for (const v of Object.values(keys)) assert.ok(!text.includes(v), 'no credential in the Deployment');
});

test("the record's work limits reach the scoring container as modelport serve reads them", () => {
  const d = deploymentManifest(record({ limits: { maxRowsPerRequest: 50, maxConcurrentRequests: 2, maxQueueWaitMs: 300 } }));
  valid('apps/v1', 'io.k8s.api.apps.v1.Deployment', d);
  const env = d.spec?.template.spec?.containers[0]?.env ?? [];
  assert.deepEqual(
    env.filter((e) => e.value !== undefined && !e.name.startsWith('MODELPORT_MAX_BATCH')).map((e) => [e.name, e.value]),
    [
      ['MODELPORT_MAX_ROWS', '50'],
      ['MODELPORT_MAX_CONCURRENT_REQUESTS', '2'],
      ['MODELPORT_MAX_QUEUE_WAIT_MS', '300'],
    ],
  );
});

test('the Secret holds what the auth mode needs, base64, and nothing for auth none', () => {
  const s = secretManifest(record(), keys);
  valid('v1', 'io.k8s.api.core.v1.Secret', s);
  assert.equal(s?.metadata?.name, 'fashion-svc-auth');
  assert.deepEqual(Object.keys(s?.data ?? {}), ['primaryKey', 'secondaryKey']);
  assert.equal(Buffer.from(s?.data?.primaryKey ?? '', 'base64').toString(), 'pk-secret-value');
  const token = secretManifest(record({ authMode: 'token' }), keys);
  assert.deepEqual(Object.keys(token?.data ?? {}), ['tokenSecret']);
  assert.equal(deploymentManifest(record({ authMode: 'token' })).spec?.template.spec?.containers[0]?.env?.[0]?.valueFrom?.secretKeyRef?.key, 'tokenSecret');
  assert.equal(secretManifest(record({ authMode: 'none' }), keys), undefined);
});

test('the Service: LoadBalancer by default on port 80 to the named container port; ClusterIP on request', () => {
  const s = serviceManifest(record());
  valid('v1', 'io.k8s.api.core.v1.Service', s);
  assert.equal(s.spec?.type, 'LoadBalancer');
  assert.deepEqual(s.spec?.ports, [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  assert.equal(serviceManifest(record({}, { serviceType: 'ClusterIP' })).spec?.type, 'ClusterIP');
});

test('an autoscaler: an HPA (autoscaling/v2) with the bounds and target, and a Deployment that leaves replicas to it', () => {
  const r = record({}, { replicas: undefined, autoscaler: { minReplicas: 2, maxReplicas: 5, targetUtilization: 60, refreshPeriodInSeconds: 15 } });
  const hpa = autoscalerManifest(r);
  valid('autoscaling/v2', 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler', hpa);
  assert.equal(hpa?.spec?.minReplicas, 2);
  assert.equal(hpa?.spec?.maxReplicas, 5);
  assert.equal(hpa?.spec?.metrics?.[0]?.resource?.target.averageUtilization, 60);
  assert.equal(hpa?.spec?.behavior?.scaleUp?.policies?.[0]?.periodSeconds, 15);
  assert.ok(!('replicas' in (deploymentManifest(r).spec ?? {})));
  assert.deepEqual(workloadManifests(r).map((o) => o.kind), ['Deployment', 'Service', 'HorizontalPodAutoscaler']);
  assert.equal(autoscalerManifest(record()), undefined);
});

test('the KServe flavour: one InferenceService with the custom container speaking PROTOCOL=v2, valid against the KServe CRD', () => {
  const r = record({}, { flavour: 'kserve' });
  const isvc = inferenceServiceManifest(r);
  assert.deepEqual(validator.validate('serving.kserve.io/v1beta1', 'InferenceService', isvc), []);
  const predictor = isvc.spec.predictor as { containers: Array<{ name: string; env: Array<{ name: string; value?: string }> }>; minReplicas: number };
  assert.equal(predictor.containers[0]?.name, 'kserve-container');
  assert.ok(predictor.containers[0]?.env.some((e) => e.name === 'PROTOCOL' && e.value === 'v2'));
  assert.equal(predictor.minReplicas, 2);
  assert.deepEqual(workloadManifests(r).map((o) => o.kind), ['InferenceService']);
});

test('a registry that needs credentials: a dockerconfigjson pull secret the pods name in imagePullSecrets', () => {
  const r = record({}, { pullSecret: true });
  const pull = pullSecretManifest(r, { username: 'bot', password: 'p@ss' });
  valid('v1', 'io.k8s.api.core.v1.Secret', pull);
  assert.equal(pull.type, 'kubernetes.io/dockerconfigjson');
  const config = JSON.parse(Buffer.from(pull.data?.['.dockerconfigjson'] ?? '', 'base64').toString()) as { auths: Record<string, { auth: string }> };
  assert.equal(Buffer.from(config.auths['myacr.azurecr.io']?.auth ?? '', 'base64').toString(), 'bot:p@ss');
  assert.deepEqual(deploymentManifest(r).spec?.template.spec?.imagePullSecrets, [{ name: 'fashion-svc-pull' }]);
  assert.equal(deploymentManifest(record()).spec?.template.spec?.imagePullSecrets, undefined, 'none when the cluster pulls on its own (AKS with an attached ACR)');
  assert.deepEqual(registryCredentials({ MODELPORT_REGISTRY_USERNAME: 'bot', MODELPORT_REGISTRY_PASSWORD: 'x' }), { username: 'bot', password: 'x' });
  assert.equal(registryCredentials({ MODELPORT_REGISTRY_USERNAME: 'bot' }), undefined);
});

test('the scoring URI: a load balancer ingress, a node port, or the in-cluster name and the port-forward command', () => {
  const svc = (type: string, status: object = {}) => ({ metadata: { name: 'web', namespace: 'ml' }, spec: { type, ports: [{ name: 'http', port: 80, nodePort: 31000 }] }, status });
  assert.deepEqual(serviceAddress(svc('LoadBalancer', { loadBalancer: { ingress: [{ ip: '20.1.2.3' }] } }), 'aks', undefined), { base: 'http://20.1.2.3:80' });
  assert.deepEqual(serviceAddress(svc('LoadBalancer', { loadBalancer: { ingress: [{ hostname: 'lb.example' }] } }), 'aks', undefined), { base: 'http://lb.example:80' });
  assert.deepEqual(serviceAddress(svc('LoadBalancer'), 'aks', undefined), { base: undefined }, 'no address yet');
  assert.deepEqual(serviceAddress(svc('NodePort'), 'aks', '10.0.0.4'), { base: 'http://10.0.0.4:31000' });
  assert.deepEqual(serviceAddress(svc('ClusterIP'), 'aks', undefined), {
    base: 'http://web.ml.svc.cluster.local:80',
    portForwardCommand: 'kubectl --context aks -n ml port-forward service/web 8080:80',
  });
});
