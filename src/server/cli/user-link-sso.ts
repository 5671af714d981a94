import { parseArgs } from 'node:util';
import { SsoIdentifier } from '../../shared/admin-http.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { changeSsoLink } from '../auth/sso/sso-link-change.ts';
import { findCredentials } from '../store/users.ts';
import { fail, withStore } from './cli-kit.ts';

/*
 * npm run user:link-sso -- <username> <identifier>      links the account to the person's identifier
 *                                                      at the identity provider (Pro Santé Connect:
 *                                                      "8" followed by the 11 digits of the RPPS)
 * npm run user:link-sso -- --unlink <username>         removes the link
 * In `link-only` provisioning, only a linked account signs in through the provider. A change ends
 * the sessions the previous identifier opened; it is audited (account.sso_linked / sso_unlinked).
 * Exit codes: 0 done, 1 store unreachable, 2 invalid arguments, 4 no such account,
 * 5 identifier linked to another account.
 */

const USAGE = 'usage: npm run user:link-sso -- <username> <identifiant RPPS / Pro Santé Connect>\n       npm run user:link-sso -- --unlink <username>';

async function main(): Promise<void> {
  let parsed: { values: { unlink?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ options: { unlink: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    fail(2, `${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const unlink = parsed.values.unlink === true;
  const [username = '', rawIdentifier = '', ...extra] = parsed.positionals.map((p) => p.trim());
  if (username === '' || extra.length > 0 || (unlink ? rawIdentifier !== '' : rawIdentifier === '')) fail(2, USAGE);
  const identifier = unlink ? null : SsoIdentifier.safeParse(rawIdentifier);
  if (identifier !== null && !identifier.success) {
    fail(2, `Identifiant invalide / invalid identifier (1 to 128 printable ASCII characters, no space)\n${USAGE}`);
  }

  await withStore(async (redis) => {
    const found = await findCredentials(redis, username);
    if (found === null) fail(4, `Aucun compte « ${username} » / no account "${username}"`);
    const change = await changeSsoLink(redis, found.user.id, identifier === null ? null : identifier.data);
    if (!change.ok) {
      if (change.code === 'sso_identifier_taken') {
        fail(5, `Cet identifiant est déjà lié à un autre compte : déliez-le d'abord (--unlink) / this identifier is linked to another account: unlink it there first`);
      }
      if (change.code === 'bad_request') fail(2, `Un compte patient ne se connecte pas par le fournisseur d'identité / a patient account is not linked to the identity provider`);
      fail(4, `Aucun compte « ${username} » / no account "${username}"`);
    }
    if (change.after !== change.before) {
      const linked = change.after !== null;
      await new AuditLog(redis).record({
        action: linked ? 'account.sso_linked' : 'account.sso_unlinked',
        actor: null,
        target: found.user.id,
        detail: 'cli',
      });
    }
    const ended = change.endedSessions > 0 ? `; sessions fermées / sessions ended: ${change.endedSessions}` : '';
    if (change.after === null) {
      console.info(
        change.before === null
          ? `« ${username} » n'était lié à aucun identifiant / "${username}" was not linked`
          : `Lien supprimé / unlinked: ${username} (était / was ${change.before})${ended}`,
      );
    } else if (change.after === change.before) {
      console.info(`Déjà lié / already linked: ${username} → ${change.after}`);
    } else {
      console.info(`Compte lié / account linked: ${username} → ${change.after}${change.before !== null ? ` (remplace / replaces ${change.before})` : ''}${ended}`);
    }
  });
}

void main();
