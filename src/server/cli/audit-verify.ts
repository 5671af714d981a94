import { verifyAudit } from '../audit/audit-verify.ts';
import { withStore } from './cli-kit.ts';

/*
 * npm run audit:verify
 * Walks the audit chain of the store the configuration names and names the first broken link.
 * Exit codes: 0 intact, 1 store unreachable, 5 broken.
 */

const REASONS = {
  altered: 'entrée modifiée / entry altered',
  unlinked: "lien rompu : une entrée a été supprimée ou insérée avant celle-ci / broken link: an entry was removed or inserted before this one",
  head: 'les entrées les plus récentes ont été supprimées / the newest entries were removed',
} as const;

async function main(): Promise<void> {
  await withStore(async (redis) => {
    const verdict = await verifyAudit(redis);
    if (verdict.broken) {
      console.error(`Journal d'audit corrompu / audit trail broken at ${verdict.broken.id}: ${REASONS[verdict.broken.reason]} (${verdict.checked} entrées valides avant / valid entries before)`);
      process.exitCode = 5;
      return;
    }
    console.info(`Journal d'audit intact / audit trail intact: ${verdict.checked} entrées / entries`);
  });
}

void main();
