import type { CareTeamMessageKey } from './care-team-fr.ts';

/** Sentences of care teams, in English (same keys as `care-team-fr.ts`). */
export const careTeamEn: Record<CareTeamMessageKey, string> = {
  'careTeam.loading': 'Loading your care team…',
  'careTeam.empty': 'Your care team has not been named yet. The clinic’s front desk can help.',
  'careTeam.write': 'Write',
  'careTeam.writeTo': 'Write to {name}',
  'careTeam.noStatus': 'No status given',
  'editor.title': 'Care team',
  'editor.hint': 'The staff named here appear on the patient’s home, and the patient may write to them.',
  'editor.search': 'Add a staff member',
  'editor.searchPlaceholder': 'Name of the doctor, the nurse…',
  'editor.addPrefix': 'Add',
  'editor.remove': 'Remove {name}',
  'editor.none': 'Nobody is named yet.',
  'editor.noResult': 'No staff member found.',
  'editor.save': 'Save the care team',
  'editor.saved': 'Care team saved.',
  'editor.loading': 'Loading…',
};
