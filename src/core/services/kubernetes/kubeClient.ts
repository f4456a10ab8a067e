// The cluster connection: the kubeconfig kubectl would read (KUBECONFIG, else ~/.kube/config, else the pod's
// service account), one of its contexts, and the API clients over it. @kubernetes/client-node is an ES module
// loaded on first use, so nothing of it loads unless a Kubernetes service is touched.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubernetesError } from './kubeErrors';

import type * as KubeClientNode from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

export type KubeModule = typeof KubeClientNode;
type KubeConfig = InstanceType<KubeModule['KubeConfig']>;

export function loadKubeModule(): Promise<KubeModule> {
  return import('@kubernetes/client-node');
}

export interface KubeConnection {
  k8s: KubeModule;
  config: KubeConfig;
  context: string;
  /** The context's namespace, else "default". */
  defaultNamespace: string;
  server: string;
  core: InstanceType<KubeModule['CoreV1Api']>;
  apps: InstanceType<KubeModule['AppsV1Api']>;
  autoscaling: InstanceType<KubeModule['AutoscalingV2Api']>;
  objects: InstanceType<KubeModule['KubernetesObjectApi']>;
}

/** The kubeconfig files kubectl would read; refuses, saying how to get one, when there is none. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (listed.length > 0) {
    const present = listed.filter((f) => existsSync(f));
    if (present.length === 0) throw new KubernetesError('config', `KUBECONFIG names ${listed.join(delimiter)}, and none of these files exists. Point KUBECONFIG at your cluster's kubeconfig (for AKS: az aks get-credentials -g GROUP -n CLUSTER -f FILE).`);
    return present;
  }
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return [home];
  if (env.KUBERNETES_SERVICE_HOST) return [];
  throw new KubernetesError(
    'config',
    `No kubeconfig: KUBECONFIG is not set and ${home} does not exist. Get your cluster's credentials first (for AKS: az aks get-credentials -g GROUP -n CLUSTER), or set KUBECONFIG to a kubeconfig file.`,
  );
}

export function loadKubeConfig(k8s: KubeModule, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const files = kubeconfigFiles(env);
  const config = new k8s.KubeConfig();
  if (files.length === 0) config.loadFromCluster();
  else if (files.length === 1 && files[0]) config.loadFromFile(files[0]);
  else config.loadFromDefault();
  return config;
}

/** The kubeconfig's contexts and which is current (for pickers and defaults). */
export function contextsOf(config: KubeConfig): { current: string; contexts: Array<{ name: string; cluster: string; namespace: string | undefined }> } {
  return {
    current: config.getCurrentContext(),
    contexts: config.getContexts().map((c) => ({ name: c.name, cluster: c.cluster, namespace: c.namespace })),
  };
}

export function connect(k8s: KubeModule, contextName: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeConnection {
  const config = loadKubeConfig(k8s, env);
  if (contextName !== undefined) {
    if (!config.getContextObject(contextName)) {
      const names = config.getContexts().map((c) => c.name);
      throw new KubernetesError('config', `The kubeconfig has no context '${contextName}'${names.length > 0 ? ` (it has ${names.join(', ')})` : ''}. Use --kube-context with one of them, or 'kubectl config get-contexts' to see them.`);
    }
    config.setCurrentContext(contextName);
  }
  const context = config.getCurrentContext();
  const contextObject = config.getContextObject(context);
  if (!contextObject) throw new KubernetesError('config', `The kubeconfig has no current context. Choose one with --kube-context or 'kubectl config use-context NAME'.`);
  const cluster = config.getCurrentCluster();
  return {
    k8s,
    config,
    context,
    defaultNamespace: contextObject.namespace ?? 'default',
    server: cluster?.server ?? '',
    core: config.makeApiClient(k8s.CoreV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
    autoscaling: config.makeApiClient(k8s.AutoscalingV2Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(config),
  };
}
