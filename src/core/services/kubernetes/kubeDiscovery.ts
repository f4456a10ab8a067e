// What a picker offers for a Kubernetes deployment: the kubeconfig's contexts (the current one first) and the
// namespaces of a context's cluster (empty when the user may not list them: then they type one).
import { connect, contextsOf, loadKubeConfig, loadKubeModule } from './kubeClient';
import { kubeCall } from './kubeErrors';

export interface KubeContextChoice {
  name: string;
  cluster: string;
  namespace: string | undefined;
  current: boolean;
}

export async function kubeContexts(env: NodeJS.ProcessEnv = process.env): Promise<KubeContextChoice[]> {
  const config = loadKubeConfig(await loadKubeModule(), env);
  const { current, contexts } = contextsOf(config);
  return contexts.map((c) => ({ ...c, current: c.name === current })).sort((a, b) => Number(b.current) - Number(a.current));
}

export async function kubeNamespaces(context: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const conn = connect(await loadKubeModule(), context, env);
  try {
    const list = await kubeCall({ context: conn.context, server: conn.server, action: 'list namespaces' }, () => conn.core.listNamespace());
    return list.items.map((n) => n.metadata?.name ?? '').filter(Boolean);
  } catch {
    return [];
  }
}
