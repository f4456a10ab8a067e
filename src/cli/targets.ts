// The deployment targets the CLI offers: one line per target. Each module loads when a service of its kind is
// first used (esbuild keeps a dynamic import's module unevaluated until then), so `modelport model list` loads
// no target at all and a cloud SDK loads only for a cloud service.
import type { TargetFactories } from '../core/services/target';
import type { LocalRuntime } from '../core/services/host/serviceHostController';

export function cliTargets(runtime: LocalRuntime): TargetFactories {
  return {
    local: async (context) => new (await import('../core/services/local/localTarget.js')).LocalTarget(context, runtime),
    docker: async (context) => new (await import('../core/services/docker/localDockerTarget.js')).LocalDockerTarget(context, runtime),
    aci: async (context) => new (await import('../core/services/aci/aciTarget.js')).AciTarget(context, runtime, (await import('../core/services/aci/cliAzureAccess.js')).cliAzureAccess(process.env)),
    kubernetes: async (context) => (await import('../core/services/kubernetes/kubernetesTarget.js')).KubernetesTarget.create(context, runtime),
  };
}
