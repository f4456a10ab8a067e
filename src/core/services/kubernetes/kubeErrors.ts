// What goes wrong between Modelport and a cluster, told as what happened and what to do next. The API server
// answers errors with a Status object (reason, code, message); the client library wraps it in an ApiException
// (code, body); a cluster that cannot be reached fails inside fetch with a system error code.
import { ModelportError, type ErrorKind } from '../../errors';

export class KubernetesError extends ModelportError {
  constructor(
    kind: ErrorKind,
    message: string,
    /** The API server's Status reason (NotFound, Forbidden…), when it answered. */
    readonly reason?: string,
    options?: { cause?: unknown },
  ) {
    super(kind, message, options);
    this.name = 'KubernetesError';
  }
}

/** Where a call went, for the messages. */
export interface CallSite {
  context: string;
  server?: string;
  namespace?: string;
  /** What was being done: "apply Deployment fashion", "list pods". */
  action?: string;
}

export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: Array<{ field?: string; message?: string; reason?: string }> };
}

/** The Status object of an ApiException-like error, if it carries one. */
export function statusOf(err: unknown): { code: number; status: KubeStatus } | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err) || typeof err.code !== 'number') return undefined;
  const body = 'body' in err ? err.body : undefined;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body) as unknown;
    } catch {
      parsed = { message: body };
    }
  }
  const status = typeof parsed === 'object' && parsed !== null ? (parsed as KubeStatus) : {};
  return { code: err.code, status };
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);
const tlsCodes = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']);

/** The system error code somewhere in the cause chain (fetch wraps it, node-fetch names it `code` or `errno`). */
function systemCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e === 'object' && e !== null) {
      const code = 'code' in e && typeof e.code === 'string' ? e.code : 'errno' in e && typeof e.errno === 'string' ? e.errno : undefined;
      if (code && (unreachableCodes.has(code) || tlsCodes.has(code))) return code;
      e = 'cause' in e ? e.cause : undefined;
    } else break;
  }
  return undefined;
}

function ctx(site: CallSite): string {
  return `context '${site.context}'${site.server ? ` (${site.server})` : ''}`;
}

/** Turns an error of a cluster call into a KubernetesError that says what to do next; others pass through. */
export function translateKubeError(err: unknown, site: CallSite): unknown {
  if (err instanceof ModelportError) return err;
  const doing = site.action ? ` while trying to ${site.action}` : '';
  const code = systemCode(err);
  if (code && tlsCodes.has(code)) {
    return new KubernetesError(
      'unavailable',
      `The cluster of ${ctx(site)} presented a certificate that could not be verified (${code})${doing}. Check certificate-authority-data of that cluster in the kubeconfig (for AKS: az aks get-credentials --overwrite-existing).`,
      undefined,
      { cause: err },
    );
  }
  if (code) {
    return new KubernetesError(
      'unavailable',
      `Cannot reach the cluster of ${ctx(site)}: ${code}${doing}. Check that the cluster is running and reachable from here (VPN, firewall, private cluster); 'kubectl --context ${site.context} cluster-info' should answer.`,
      undefined,
      { cause: err },
    );
  }
  const api = statusOf(err);
  if (!api) return err;
  const { code: httpCode, status } = api;
  const message = status.message ?? `HTTP ${httpCode}`;
  const ns = site.namespace ?? 'default';
  if (httpCode === 401) {
    return new KubernetesError('unauthorized', `The cluster of ${ctx(site)} rejected the kubeconfig's credentials (401 Unauthorized)${doing}: they may have expired. Refresh them (for AKS: az aks get-credentials --overwrite-existing) and try again.`, status.reason, { cause: err });
  }
  if (httpCode === 403 && /exceeded quota/i.test(message)) {
    return new KubernetesError(
      'conflict',
      `The namespace '${ns}' has a ResourceQuota that refuses this${doing}: ${message}. Lower containerResourceRequirements or the number of replicas, or ask for a larger quota ('kubectl describe resourcequota -n ${ns}' shows it).`,
      status.reason,
      { cause: err },
    );
  }
  if (httpCode === 403) {
    return new KubernetesError(
      'unauthorized',
      `Forbidden by the cluster's RBAC${doing}: ${message}. Ask a cluster admin for a Role in namespace '${ns}' that allows it ('kubectl auth can-i --list -n ${ns}' shows what you may do), or deploy to a namespace where you have rights (--namespace).`,
      status.reason,
      { cause: err },
    );
  }
  if (httpCode === 404 && status.details?.kind === 'namespaces') {
    return new KubernetesError(
      'not-found',
      `Namespace '${status.details.name ?? ns}' does not exist in ${ctx(site)}. Create it ('kubectl create namespace ${status.details.name ?? ns}') or choose another with --namespace / "namespace" in deploymentconfig.json.`,
      status.reason,
      { cause: err },
    );
  }
  if (httpCode === 404) return new KubernetesError('not-found', `Not found in ${ctx(site)}${doing}: ${message}.`, status.reason, { cause: err });
  if (httpCode === 409) {
    return new KubernetesError('conflict', `The cluster refused a conflicting change${doing}: ${message}. Another tool may manage the same object; rename the service or remove that object.`, status.reason, { cause: err });
  }
  if (httpCode === 422) {
    const causes = (status.details?.causes ?? []).map((c) => `${c.field ?? ''}: ${c.message ?? c.reason ?? ''}`).join('; ');
    return new KubernetesError('bad-request', `The cluster refused the object as invalid${doing}: ${causes || message}. This is a bug in Modelport if the deployment config validated; please report it.`, status.reason, { cause: err });
  }
  if (httpCode >= 500) {
    return new KubernetesError('unavailable', `The API server of ${ctx(site)} failed (${httpCode} ${status.reason ?? ''})${doing}: ${message}. Try again; if it persists, check the cluster's health.`, status.reason, { cause: err });
  }
  return new KubernetesError('bad-request', `The cluster answered ${httpCode}${doing}: ${message}.`, status.reason, { cause: err });
}

/** Runs a cluster call and translates what it throws. */
export async function kubeCall<T>(site: CallSite, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw translateKubeError(err, site);
  }
}

export function isNotFound(err: unknown): boolean {
  if (err instanceof KubernetesError) return err.reason === 'NotFound' || err.kind === 'not-found';
  return statusOf(err)?.code === 404;
}
