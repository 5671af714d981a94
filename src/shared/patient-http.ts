import * as z from 'zod/mini';
import { NationalId, UserSummary } from './model.ts';

/**
 * `GET /api/patients/care-team?ins=`: the staff assigned to the patient whose account carries this
 * INS, for the embedded panel's "start a conversation about this patient" (docs/EMBEDDING.md). Apart
 * from http.ts: only the embedded mode's chunk and the gateway use it, the service worker never.
 */
export const PatientCareTeamQuery = z.strictObject({ ins: NationalId });
export type PatientCareTeamQuery = z.infer<typeof PatientCareTeamQuery>;

/**
 * The answer, one shape whether the INS is a patient's or not: `patient` null and `staff` empty for
 * an INS no account carries (or a patient with nobody assigned: `patient` set, `staff` empty).
 * `staff`: directory entries, as `GET /api/users` gives them, by name.
 */
export const PatientCareTeamReply = z.object({
  patient: z.nullable(z.object({ displayName: z.string() })),
  staff: z.array(UserSummary),
});
export type PatientCareTeamReply = z.infer<typeof PatientCareTeamReply>;
