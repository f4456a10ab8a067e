// CORS for browser clients, from AML_CORS_ORIGINS (a comma-separated list, or `*`).
export interface CorsPolicy {
  allowOrigin(origin: string | undefined): string | undefined;
}

export function corsPolicy(origins: readonly string[]): CorsPolicy {
  const any = origins.includes('*');
  const set = new Set(origins);
  return {
    allowOrigin(origin) {
      if (!origin || origins.length === 0) return undefined;
      if (any) return '*';
      return set.has(origin) ? origin : undefined;
    },
  };
}

export const corsAllowHeaders = 'Authorization, Content-Type, x-request-id, x-ms-client-request-id, x-ms-request-id, Inference-Header-Content-Length';
export const corsExposeHeaders = 'x-request-id, x-ms-request-id, x-ms-client-request-id, x-ms-run-fn-exec-ms, x-ms-run-function-failed, x-ms-server-version';
