// A contract double of a Microsoft Entra ID authority, as MSAL (inside @azure/identity) talks to it for a
// service principal: OIDC discovery at /{tenant}/v2.0/.well-known/openid-configuration (issuer on the same
// origin, as MSAL checks) and the client-credentials grant at /{tenant}/oauth2/v2.0/token. It issues opaque
// bearer tokens that the ARM double accepts, and answers a wrong secret with Entra's own error shape.
import { randomBytes, randomUUID } from 'node:crypto';
import { startHttpsDouble, type DoubleRequest, type DoubleReply, type RunningDouble } from './httpsDouble';
import type { TestCa } from './testCa';

export interface Principal {
  clientId: string;
  clientSecret: string;
  /** The object id ARM names in AuthorizationFailed. */
  objectId: string;
}

export interface IssuedToken {
  principal: Principal;
  scope: string;
  expiresAt: number;
}

export class EntraDouble {
  readonly tenantId = randomUUID();
  private readonly principals = new Map<string, Principal>();
  private readonly tokens = new Map<string, IssuedToken>();
  private running: RunningDouble | undefined;

  get origin(): string {
    if (!this.running) throw new Error('the Entra double is not started');
    return this.running.origin;
  }

  get requests(): DoubleRequest[] {
    return this.running?.requests ?? [];
  }

  addPrincipal(): Principal {
    const p = { clientId: randomUUID(), clientSecret: randomBytes(24).toString('base64url'), objectId: randomUUID() };
    this.principals.set(p.clientId, p);
    return p;
  }

  /** Who a bearer token belongs to, if this authority issued it and it has not expired. */
  principalOf(token: string): IssuedToken | undefined {
    const t = this.tokens.get(token);
    return t && t.expiresAt > Date.now() ? t : undefined;
  }

  async start(ca: TestCa): Promise<void> {
    this.running = await startHttpsDouble(ca, (req) => this.handle(req));
  }

  async close(): Promise<void> {
    await this.running?.close();
  }

  private handle(req: DoubleRequest): DoubleReply {
    const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(req.path);
    if (!m || (m[1] !== this.tenantId && m[1] !== 'organizations' && m[1] !== 'common')) return { status: 404, body: { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${m?.[1] ?? ''}' not found.` } };
    const base = `${this.origin}/${m[1]}`;
    if (m[2]?.startsWith('v2.0') && req.method === 'GET') {
      return {
        status: 200,
        body: {
          issuer: `${this.origin}/${this.tenantId}/v2.0`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          jwks_uri: `${this.origin}/${m[1]}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          tenant_region_scope: 'EU',
        },
      };
    }
    if (req.method !== 'POST') return { status: 405, body: { error: 'invalid_request', error_description: 'AADSTS900561: The endpoint only accepts POST requests.' } };
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: entraError('unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.') };
    const principal = this.principals.get(form.get('client_id') ?? '');
    if (!principal) return { status: 400, body: entraError('unauthorized_client', `AADSTS700016: Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory.`) };
    if (form.get('client_secret') !== principal.clientSecret) return { status: 401, body: entraError('invalid_client', 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.') };
    const scope = form.get('scope') ?? '';
    if (!scope.endsWith('/.default')) return { status: 400, body: entraError('invalid_scope', `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`) };
    const token = randomBytes(32).toString('base64url');
    const expiresIn = 3599;
    this.tokens.set(token, { principal, scope, expiresAt: Date.now() + expiresIn * 1000 });
    return { status: 200, body: { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token } };
  }
}

function entraError(error: string, description: string): object {
  return { error, error_description: description, error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)], timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z', trace_id: randomUUID(), correlation_id: randomUUID() };
}
