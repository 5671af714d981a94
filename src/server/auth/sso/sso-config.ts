import type { Role } from '../../../shared/model.ts';

/**
 * Single sign-on with the clinic's OpenID Connect provider (authorization code + PKCE), read from
 * the environment; docs/DEPLOYMENT.md lists the variables and the Pro Santé Connect settings.
 */
export interface OidcConfig {
  /** The name on the sign-in button: "Se connecter avec <name>" (RELAIS_OIDC_NAME). */
  name: string;
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: this gateway's `/api/auth/oidc/callback`, as the provider knows it. */
  redirectUrl: URL;
  /** Where the provider sends the browser after an RP-initiated logout (the app's origin unless set). */
  postLogoutUrl: URL;
  scopes: string;
  /** Authentication levels asked for (`acr_values`) and required in the ID token's `acr`; empty: none. */
  acrValues: string[];
  /** Paths of the claims (dotted, `SubjectRefPro.exercices.0.codeProfession`) that give each field. */
  claims: { username: string; displayName: string; role: string; service: string | null; identifier: string };
  /** Claim value → Relais role; a value not here is refused (`sso_role_unmapped`). */
  roleMap: ReadonlyMap<string, StaffRole>;
  /**
   * `link-only` (default): only people whose identifier an admin linked to an account sign in.
   * `create`: an account is created at a person's first sign-in.
   */
  provisioning: 'create' | 'link-only';
}

/** The roles an identity provider may give: a patient never signs in through the staff's provider. */
export type StaffRole = Extract<Role, 'doctor' | 'nurse' | 'secretary' | 'admin'>;
const STAFF_ROLES: readonly StaffRole[] = ['doctor', 'nurse', 'secretary', 'admin'];

/** How people sign in: password (unless RELAIS_PASSWORD_LOGIN=off) and/or the identity provider. */
export interface SignInConfig {
  passwordLogin: boolean;
  oidc: OidcConfig | null;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is required when RELAIS_OIDC_ISSUER is set`);
  return value;
}

function urlFrom(value: string, name: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new Error(`${name} must be an absolute URL`);
  }
}

/** `10=doctor,60=nurse` → a map; throws on a pair that is not `value=role` with a staff role. */
export function parseRoleMap(text: string): Map<string, StaffRole> {
  const map = new Map<string, StaffRole>();
  for (const pair of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const at = pair.lastIndexOf('=');
    const value = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim() as StaffRole;
    if (at <= 0 || !STAFF_ROLES.includes(role)) throw new Error(`RELAIS_OIDC_ROLE_MAP: "${pair}" is not value=${STAFF_ROLES.join('|')}`);
    map.set(value, role);
  }
  if (map.size === 0) throw new Error('RELAIS_OIDC_ROLE_MAP is required when RELAIS_OIDC_ISSUER is set (e.g. 10=doctor,60=nurse)');
  return map;
}

/** Reads RELAIS_PASSWORD_LOGIN and the RELAIS_OIDC_* variables; SSO is off unless RELAIS_OIDC_ISSUER is set. */
export function loadSignInConfig(env: NodeJS.ProcessEnv): SignInConfig {
  const password = (env.RELAIS_PASSWORD_LOGIN ?? 'on').trim();
  if (password !== 'on' && password !== 'off') throw new Error('RELAIS_PASSWORD_LOGIN must be on or off');
  const issuer = env.RELAIS_OIDC_ISSUER?.trim();
  if (!issuer) {
    if (password === 'off') throw new Error('RELAIS_PASSWORD_LOGIN=off needs single sign-on (RELAIS_OIDC_ISSUER): nobody could sign in');
    return { passwordLogin: true, oidc: null };
  }
  const provisioning = (env.RELAIS_OIDC_PROVISIONING ?? 'link-only').trim();
  if (provisioning !== 'create' && provisioning !== 'link-only') throw new Error('RELAIS_OIDC_PROVISIONING must be create or link-only');
  const redirectUrl = urlFrom(required(env, 'RELAIS_OIDC_REDIRECT_URL'), 'RELAIS_OIDC_REDIRECT_URL');
  const scopes = env.RELAIS_OIDC_SCOPES?.trim() || 'openid profile';
  if (!scopes.split(/\s+/).includes('openid')) throw new Error('RELAIS_OIDC_SCOPES must include openid');
  return {
    passwordLogin: password === 'on',
    oidc: {
      name: env.RELAIS_OIDC_NAME?.trim() || 'SSO',
      issuer: urlFrom(issuer, 'RELAIS_OIDC_ISSUER'),
      clientId: required(env, 'RELAIS_OIDC_CLIENT_ID'),
      clientSecret: required(env, 'RELAIS_OIDC_CLIENT_SECRET'),
      redirectUrl,
      postLogoutUrl: urlFrom(env.RELAIS_OIDC_POST_LOGOUT_URL?.trim() || `${redirectUrl.origin}/`, 'RELAIS_OIDC_POST_LOGOUT_URL'),
      scopes,
      acrValues: (env.RELAIS_OIDC_ACR_VALUES ?? '').split(/\s+/).filter((v) => v !== ''),
      claims: {
        username: env.RELAIS_OIDC_USERNAME_CLAIM?.trim() || 'preferred_username',
        displayName: env.RELAIS_OIDC_NAME_CLAIM?.trim() || 'name',
        role: required(env, 'RELAIS_OIDC_ROLE_CLAIM'),
        service: env.RELAIS_OIDC_SERVICE_CLAIM?.trim() || null,
        identifier: env.RELAIS_OIDC_ID_CLAIM?.trim() || 'preferred_username',
      },
      roleMap: parseRoleMap(required(env, 'RELAIS_OIDC_ROLE_MAP')),
      provisioning,
    },
  };
}
