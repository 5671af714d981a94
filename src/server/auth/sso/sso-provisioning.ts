import { createHash } from 'node:crypto';
import type { User } from '../../../shared/model.ts';
import type { RedisClient as Redis } from '../../redis/redis-connection.ts';
import { KEYS } from '../../store/keys.ts';
import { linkAccount, linkedAccount } from '../../store/sso-links.ts';
import { createUser, getUser, isDisabled } from '../../store/users.ts';
import { UNUSABLE_PASSWORD } from '../activation.ts';
import type { SsoIdentity } from './sso-claims.ts';
import type { OidcConfig } from './sso-config.ts';

export type AccountOutcome =
  | { ok: true; user: User; first?: 'created' }
  | { ok: false; code: 'sso_unknown_account' | 'sso_username_taken' | 'unavailable' }
  | { ok: false; code: 'account_disabled'; userId: string };

/**
 * The Relais account of the person the provider authenticated, found by the identifier linked to
 * it (the RPPS). Unlinked: refused in `link-only` mode; in `create` mode an account is created
 * (role, name and service from the claims, no usable password) and linked. The account's role and
 * profile are then the admins' to change: a later sign-in does not overwrite them.
 */
export async function accountFor(redis: Redis, identity: SsoIdentity, provisioning: OidcConfig['provisioning']): Promise<AccountOutcome> {
  const existing = await linkedUser(redis, identity.identifier);
  if (existing !== null) {
    if (await isDisabled(redis, existing.id)) return { ok: false, code: 'account_disabled', userId: existing.id };
    return { ok: true, user: existing };
  }
  if (provisioning === 'link-only') return { ok: false, code: 'sso_unknown_account' };
  // Two callbacks of the same person at once (two tabs): one creates the account, the other waits for it.
  const lock = KEYS.ssoProvisioning(createHash('sha256').update(identity.identifier).digest('hex'));
  if ((await redis.set(lock, '1', 'EX', 30, 'NX')) === null) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const created = await linkedUser(redis, identity.identifier);
    return created === null ? { ok: false, code: 'unavailable' } : { ok: true, user: created };
  }
  try {
    const created = await createUser(redis, {
      username: identity.username,
      displayName: identity.displayName,
      role: identity.role,
      passwordHash: UNUSABLE_PASSWORD,
      ...(identity.service ? { service: identity.service } : {}),
    });
    if (!created.ok) return { ok: false, code: 'sso_username_taken' };
    await linkAccount(redis, created.user.id, identity.identifier);
    return { ok: true, user: created.user, first: 'created' };
  } finally {
    await redis.del(lock);
  }
}

async function linkedUser(redis: Redis, identifier: string): Promise<User | null> {
  const id = await linkedAccount(redis, identifier);
  return id === null ? null : getUser(redis, id);
}
