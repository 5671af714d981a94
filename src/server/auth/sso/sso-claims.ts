import { LIMITS } from '../../../shared/limits.ts';
import type { OidcConfig, StaffRole } from './sso-config.ts';

/** Who the provider says the person is, as Relais needs it. */
export interface SsoIdentity {
  /** The identifier accounts are linked by (Pro Santé Connect: the RPPS number). */
  identifier: string;
  username: string;
  displayName: string;
  role: StaffRole;
  service?: string;
}

export type IdentityOutcome = { ok: true; identity: SsoIdentity } | { ok: false; code: 'sso_claim_missing' | 'sso_role_unmapped' };

/**
 * The value at a dotted path of the claims: `name`, `SubjectRefPro.exercices.0.codeProfession`.
 * Pro Santé Connect nests the profession in `SubjectRefPro`; an array on the way is indexed by number.
 */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let value: unknown = claims;
  for (const step of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Array.isArray(value) ? value[Number(step)] : (value as Record<string, unknown>)[step];
  }
  return value;
}

/** A claim as text: strings and numbers (an RPPS may come as a number), trimmed; anything else is missing. */
function textAt(claims: Record<string, unknown>, path: string, max: number): string | null {
  const value = claimAt(claims, path);
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  return text === '' ? null : text.slice(0, max);
}

/** A username Relais accepts (letters, digits, `._-`), from the provider's: other characters become `-`. */
function usernameFrom(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^A-Za-z0-9._-]/g, '-').slice(0, LIMITS.USERNAME_MAX);
}

/**
 * The person's identity from the ID token and userinfo claims: the role claim (a value or a list,
 * the first mapped value wins) must map to a staff role; the name falls back to given + family name.
 * No e-mail is ever assumed: Pro Santé Connect gives none for many professionals.
 */
export function identityFrom(claims: Record<string, unknown>, config: Pick<OidcConfig, 'claims' | 'roleMap'>): IdentityOutcome {
  const paths = config.claims;
  const identifier = textAt(claims, paths.identifier, 128);
  const rawUsername = textAt(claims, paths.username, 256);
  const given = textAt(claims, 'given_name', LIMITS.DISPLAY_NAME_MAX);
  const family = textAt(claims, 'family_name', LIMITS.DISPLAY_NAME_MAX);
  const displayName = textAt(claims, paths.displayName, LIMITS.DISPLAY_NAME_MAX) ?? ([given, family].filter(Boolean).join(' ').slice(0, LIMITS.DISPLAY_NAME_MAX) || null);
  const username = rawUsername === null ? '' : usernameFrom(rawUsername);
  if (identifier === null || username.length < 2 || displayName === null) return { ok: false, code: 'sso_claim_missing' };
  const roleClaim = claimAt(claims, paths.role);
  const candidates = (Array.isArray(roleClaim) ? roleClaim : [roleClaim]).filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
  const role = candidates.map((value) => config.roleMap.get(value)).find((r) => r !== undefined);
  if (role === undefined) return { ok: false, code: 'sso_role_unmapped' };
  const service = paths.service === null ? null : textAt(claims, paths.service, LIMITS.PROFILE_FIELD_MAX);
  return { ok: true, identity: { identifier, username, displayName, role, ...(service ? { service } : {}) } };
}
