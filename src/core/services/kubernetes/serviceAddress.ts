// Where a Kubernetes service is called: a LoadBalancer's ingress address, a node's address and the node port,
// or (ClusterIP) the in-cluster DNS name, with the exact `kubectl port-forward` command to reach it from here.
import type { V1Service } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { servicePort } from './manifests';

export interface ServiceAddress {
  /** `http://<host>:<port>` without a path; undefined while a load balancer has no address yet. */
  base: string | undefined;
  /** ClusterIP: how to reach it from this machine. */
  portForwardCommand?: string;
}

export function portForwardCommand(context: string, namespace: string, name: string, localPort = 8080): string {
  return `kubectl --context ${context} -n ${namespace} port-forward service/${name} ${localPort}:${servicePort}`;
}

export function serviceAddress(service: V1Service, context: string, nodeAddress: string | undefined): ServiceAddress {
  const name = service.metadata?.name ?? '';
  const namespace = service.metadata?.namespace ?? 'default';
  const port = service.spec?.ports?.find((p) => p.name === 'http') ?? service.spec?.ports?.[0];
  switch (service.spec?.type) {
    case 'LoadBalancer': {
      const ingress = service.status?.loadBalancer?.ingress?.[0];
      const host = ingress?.ip ?? ingress?.hostname;
      return { base: host ? `http://${host}:${port?.port ?? servicePort}` : undefined };
    }
    case 'NodePort':
      return { base: nodeAddress && port?.nodePort ? `http://${nodeAddress}:${port.nodePort}` : undefined };
    default:
      return { base: `http://${name}.${namespace}.svc.cluster.local:${port?.port ?? servicePort}`, portForwardCommand: portForwardCommand(context, namespace, name) };
  }
}
