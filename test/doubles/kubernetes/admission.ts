// What the API server does to every write before storing it: defaulting (the values `kubectl get -o yaml`
// shows that nobody wrote), the semantic checks a schema cannot express (names, selector vs template labels,
// quantities, immutable fields), validation against the official OpenAPI schema, and unknown fields
// (fieldValidation=Strict: 422; otherwise dropped with a warning, as a real server does).
import { randomInt } from 'node:crypto';
import { ApiError, type KubeObject, type StatusCause } from './objectStore';
import { groupVersionOf, type ResourceType } from './resources';
import type { SchemaValidator } from './schemaValidator';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const quantity = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function defaultProbe(p: unknown): void {
  const probe = obj(p);
  if (!probe) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  const http = obj(probe.httpGet);
  if (http) http.scheme ??= 'HTTP';
}

export function defaultPodSpec(spec: Json | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const c of arr(spec.containers).map(obj)) {
    if (!c) continue;
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.imagePullPolicy ??= typeof c.image === 'string' && (c.image.endsWith(':latest') || !/:[^/]+$/.test(c.image)) ? 'Always' : 'IfNotPresent';
    c.resources ??= {};
    for (const port of arr(c.ports).map(obj)) if (port) port.protocol ??= 'TCP';
    defaultProbe(c.readinessProbe);
    defaultProbe(c.livenessProbe);
    defaultProbe(c.startupProbe);
  }
}

function defaults(type: ResourceType, o: KubeObject, old: KubeObject | undefined): void {
  const spec = obj(o.spec);
  switch (type.kind) {
    case 'Namespace':
      o.spec = { finalizers: ['kubernetes'] };
      o.status ??= { phase: 'Active' };
      o.metadata.labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name };
      break;
    case 'Deployment': {
      if (!spec) break;
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      const strategy = (obj(spec.strategy) ?? (spec.strategy = {})) as Json;
      strategy.type ??= 'RollingUpdate';
      if (strategy.type === 'RollingUpdate') {
        const ru = (obj(strategy.rollingUpdate) ?? (strategy.rollingUpdate = {})) as Json;
        ru.maxSurge ??= '25%';
        ru.maxUnavailable ??= '25%';
      }
      defaultPodSpec(obj(obj(spec.template)?.spec));
      o.status ??= {};
      break;
    }
    case 'ReplicaSet':
      defaultPodSpec(obj(obj(spec?.template)?.spec));
      break;
    case 'Pod':
      defaultPodSpec(spec);
      break;
    case 'Service': {
      if (!spec) break;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      spec.internalTrafficPolicy ??= 'Cluster';
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      const oldSpec = obj(old?.spec);
      spec.clusterIP ??= (oldSpec?.clusterIP as string | undefined) ?? `10.96.${randomInt(0, 255)}.${randomInt(1, 254)}`;
      spec.clusterIPs ??= [spec.clusterIP];
      if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') spec.externalTrafficPolicy ??= 'Cluster';
      if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
      const oldPorts = arr(oldSpec?.ports).map(obj);
      for (const p of arr(spec.ports).map(obj)) {
        if (!p) continue;
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
        if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') {
          p.nodePort ??= oldPorts.find((x) => x?.name === p.name)?.nodePort ?? randomInt(30000, 32768);
        }
      }
      o.status ??= { loadBalancer: {} };
      break;
    }
    case 'Secret':
      o.type ??= 'Opaque';
      if (obj(o.stringData)) {
        const data = (obj(o.data) ?? {}) as Json;
        for (const [k, v] of Object.entries(o.stringData as Json)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
        o.data = data;
        delete o.stringData;
      }
      break;
    case 'HorizontalPodAutoscaler':
      if (spec) spec.minReplicas ??= 1;
      break;
  }
}

function semanticCauses(type: ResourceType, o: KubeObject, old: KubeObject | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = o.metadata.name;
  const nameRule = type.kind === 'Service' || type.kind === 'Namespace' ? dns1123Label : dns1123Subdomain;
  if (!nameRule.test(name) || name.length > (type.kind === 'Service' || type.kind === 'Namespace' ? 63 : 253)) {
    causes.push({ field: 'metadata.name', reason: 'FieldValueInvalid', message: `Invalid value: "${name}": a lowercase RFC 1123 ${type.kind === 'Service' || type.kind === 'Namespace' ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.'` });
  }
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) causes.push({ field: `metadata.labels`, reason: 'FieldValueInvalid', message: `Invalid value: "${String(v)}": label ${k} must be 63 characters or less, alphanumeric, '-', '_' or '.'` });
  }
  const checkContainers = (podSpec: Json | undefined, prefix: string): void => {
    for (const [i, c] of arr(podSpec?.containers).map(obj).entries()) {
      if (!c) continue;
      for (const kind of ['requests', 'limits']) {
        for (const [res, q] of Object.entries(obj(obj(c.resources)?.[kind]) ?? {})) {
          if (!quantity.test(String(q))) causes.push({ field: `${prefix}.containers[${i}].resources.${kind}[${res}]`, reason: 'FieldValueInvalid', message: `Invalid value: "${String(q)}": quantities must match the regular expression` });
        }
      }
      for (const e of arr(c.env).map(obj)) {
        const ref = obj(obj(e?.valueFrom)?.secretKeyRef);
        if (e && 'value' in e && e.valueFrom) causes.push({ field: `${prefix}.containers[${i}].env`, reason: 'FieldValueInvalid', message: 'may not have both value and valueFrom' });
        if (ref && (!ref.key || !ref.name)) causes.push({ field: `${prefix}.containers[${i}].env.valueFrom.secretKeyRef`, reason: 'FieldValueRequired', message: 'Required value: name and key' });
      }
    }
  };
  if (type.kind === 'Deployment' || type.kind === 'ReplicaSet') {
    const spec = obj(o.spec);
    const selector = obj(obj(spec?.selector)?.matchLabels) ?? {};
    const labels = obj(obj(obj(spec?.template)?.metadata)?.labels) ?? {};
    for (const [k, v] of Object.entries(selector)) {
      if (labels[k] !== v) causes.push({ field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\`` });
    }
    if (old && JSON.stringify(obj(old.spec)?.selector) !== JSON.stringify(spec?.selector)) causes.push({ field: 'spec.selector', reason: 'FieldValueInvalid', message: 'field is immutable' });
    checkContainers(obj(obj(spec?.template)?.spec), 'spec.template.spec');
    const ru = obj(obj(spec?.strategy)?.rollingUpdate);
    if (ru && (ru.maxSurge === 0 || ru.maxSurge === '0%') && (ru.maxUnavailable === 0 || ru.maxUnavailable === '0%')) {
      causes.push({ field: 'spec.strategy.rollingUpdate.maxUnavailable', reason: 'FieldValueInvalid', message: 'may not be 0 when `maxSurge` is 0' });
    }
  }
  if (type.kind === 'Pod') checkContainers(obj(o.spec), 'spec');
  if (type.kind === 'Secret') {
    for (const k of Object.keys(obj(o.data) ?? {})) if (!/^[-._a-zA-Z0-9]+$/.test(k)) causes.push({ field: `data[${k}]`, reason: 'FieldValueInvalid', message: "a valid config key must consist of alphanumeric characters, '-', '_' or '.'" });
  }
  if (type.kind === 'HorizontalPodAutoscaler') {
    const spec = obj(o.spec);
    if (typeof spec?.maxReplicas === 'number' && typeof spec.minReplicas === 'number' && spec.maxReplicas < spec.minReplicas) {
      causes.push({ field: 'spec.maxReplicas', reason: 'FieldValueInvalid', message: 'must be greater than or equal to `minReplicas`' });
    }
  }
  return causes;
}

export interface AdmissionLog {
  /** Warnings a real server would send in a Warning header (unknown fields under fieldValidation=Warn). */
  warnings: string[];
}

export function admission(validator: SchemaValidator, log: AdmissionLog) {
  return (type: ResourceType, o: KubeObject, old: KubeObject | undefined, options: { fieldValidation?: string }): void => {
    defaults(type, o, old);
    const gv = groupVersionOf(type);
    const causes = [...semanticCauses(type, o, old), ...validator.validate(gv, type.schema, o)];
    const unknown = validator.unknownFields(gv, type.schema, o);
    if (unknown.length > 0) {
      if (options.fieldValidation === 'Strict') {
        for (const f of unknown) causes.push({ field: f, reason: 'FieldValueUnknown', message: `unknown field "${f}"` });
      } else if (options.fieldValidation !== 'Ignore') {
        for (const f of unknown) log.warnings.push(`unknown field "${f}" in ${type.kind} ${o.metadata.name}`);
      }
    }
    if (causes.length > 0) {
      const text = causes.map((c) => `${c.field ?? ''}: ${c.message}`).join(', ');
      throw new ApiError(422, 'Invalid', `${type.kind}${type.group ? `.${type.group}` : ''} "${o.metadata.name}" is invalid: ${text}`, { name: o.metadata.name, ...(type.group ? { group: type.group } : {}), kind: type.kind, causes });
    }
  };
}
