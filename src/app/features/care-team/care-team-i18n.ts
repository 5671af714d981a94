import { translator } from '../../core/i18n/translator.ts';
import { careTeamEn } from './care-team-en.ts';
import { careTeamFr, type CareTeamMessageKey } from './care-team-fr.ts';

/** `t()` for the care-team screens' own catalogue (imported only by lazily loaded screens). */
export const tCareTeam = translator<CareTeamMessageKey>({ fr: careTeamFr, en: careTeamEn });
