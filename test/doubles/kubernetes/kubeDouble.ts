// A contract double of kube-apiserver for tests: `startKubeDouble()` generates a CA and a server certificate,
// listens with HTTPS on a free loopback port, writes a kubeconfig (bearer token, certificate-authority-data)
// and runs the controllers whose pods are real containers on the local engine. `stop()` removes every
// container it started (they carry its label) and closes every listener.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dump } from 'js-yaml';
import { admission } from './admission';
import { apiHandler, type Fault, type RequestRecord } from './apiServer';
import { Controllers } from './controllers';
import { docker } from './engine';
import { ObjectStore, type KubeObject } from './objectStore';
import { findKind, type ResourceType } from './resources';
import { SchemaValidator } from './schemaValidator';

const run = promisify(execFile);

export interface KubeDouble {
  /** https://127.0.0.1:PORT */
  server: string;
  kubeconfig: string;
  context: string;
  token: string;
  store: ObjectStore;
  controllers: Controllers;
  /** Unknown-field warnings a real server would have sent (a manifest typo): tests expect none. */
  warnings: string[];
  /** Every request, for assertions on what the client sent. */
  requests: RequestRecord[];
  faults: Fault[];
  /** Objects of a kind in a namespace, optionally by label selector, as the store holds them. */
  objects(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  createNamespace(name: string): void;
  stop(): Promise<void>;
}

let validator: SchemaValidator | undefined;

async function certificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');
  const key = join(dir, 'key.pem');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'cert.pem');
  const ext = join(dir, 'san.ext');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', ca, '-days', '1', '-subj', '/CN=modelport-k8s-double-ca']);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=kube-apiserver']);
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '1', '-extfile', ext]);
  return { ca: await readFile(ca, 'utf8'), cert: await readFile(cert, 'utf8'), key: await readFile(key, 'utf8') };
}

export async function startKubeDouble(options: { context?: string; namespace?: string } = {}): Promise<KubeDouble> {
  const dir = await mkdtemp(join(tmpdir(), 'modelport-k8s-double-'));
  const { ca, cert, key } = await certificates(dir);
  const token = randomBytes(24).toString('base64url');
  const id = randomBytes(4).toString('hex');
  const containerLabel = `modelport-k8s-double=${id}`;
  validator ??= new SchemaValidator();
  const warnings: string[] = [];
  const store = new ObjectStore();
  store.admission = admission(validator, { warnings });
  const controllers = new Controllers(store, containerLabel);
  const faults: Fault[] = [];
  const requests: RequestRecord[] = [];
  let address = '';
  const server: Server = createServer({ key, cert }, apiHandler({ store, controllers, token, warnings, faults, requests, serverAddress: () => address }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  address = `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  const url = `https://${address}`;

  const nsType = findKind('v1', 'Namespace')!;
  const createNamespace = (name: string): void => {
    store.create(nsType, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, 'kubectl-create');
  };
  for (const ns of ['default', 'kube-system']) createNamespace(ns);
  store.create(findKind('v1', 'Node')!, undefined, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'double-node', labels: { 'kubernetes.io/hostname': 'double-node' } },
    status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'double-node' }], conditions: [{ type: 'Ready', status: 'True' }] },
  }, 'kubelet');
  controllers.start();

  const context = options.context ?? `double-${id}`;
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    dump({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: `cluster-${id}`, cluster: { server: url, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
      users: [{ name: `user-${id}`, user: { token } }],
      contexts: [{ name: context, context: { cluster: `cluster-${id}`, user: `user-${id}`, ...(options.namespace ? { namespace: options.namespace } : {}) } }],
      'current-context': context,
    }),
    { mode: 0o600 },
  );

  return {
    server: url,
    kubeconfig,
    context,
    token,
    store,
    controllers,
    warnings,
    requests,
    faults,
    objects(apiVersion, kind, namespace) {
      const type: ResourceType | undefined = findKind(apiVersion, kind);
      return type ? store.list(type, namespace) : [];
    },
    createNamespace,
    async stop() {
      await controllers.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Whatever a pod left behind (a runtime that was mid-start): the label finds it.
      const left = await docker(['ps', '-aq', '--filter', `label=${containerLabel}`]);
      const ids = left.stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await docker(['rm', '-f', ...ids]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
