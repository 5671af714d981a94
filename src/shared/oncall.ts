import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';
import { Id, UserSummary } from './model.ts';

/**
 * Function roles and their on-call rota (docs/ARCHITECTURE.md, "Function roles and the on-call
 * rota"): a function ("Médecin de garde — Cardiologie") is held, at each instant, by the person its
 * weekly pattern names, unless a dated override or a handover says otherwise. Schemas of the
 * gateway's `/api/admin/functions…` and `/api/functions…` routes; src/server/oncall/rota.ts computes
 * who holds a function when. Apart from http.ts so the service worker bundles none of it.
 */

/** Bounds of the rota data, checked by the gateway (and offered by the console). */
export const ROTA_LIMITS = {
  /** Functions a clinic defines. */
  FUNCTIONS_MAX: 200,
  /** Slots of one weekly pattern. */
  SLOTS_MAX: 100,
  /** Overrides and handovers of one function not ended yet. */
  OVERRIDES_MAX: 200,
  /** The longest override. */
  OVERRIDE_MAX_MS: 31 * 86_400_000,
  /** How far ahead a handover may run. */
  HANDOVER_MAX_MS: 7 * 86_400_000,
  /** Steps of one escalation ladder. */
  LADDER_STEPS_MAX: 5,
  /** The latest a ladder's step may come after the urgent message, in minutes (4 hours). */
  LADDER_AFTER_MAX_MINUTES: 240,
} as const;

/** The roles that may hold a function: staff only (a patient or an admin never is on call). */
export const StaffRole = z.enum(['doctor', 'nurse', 'secretary']);
export type StaffRole = z.infer<typeof StaffRole>;

const FunctionName = z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.DISPLAY_NAME_MAX));
const ServiceName = z.string().check(z.trim(), z.maxLength(LIMITS.PROFILE_FIELD_MAX));
const EligibleRoles = z.array(StaffRole).check(z.minLength(1), z.maxLength(3));

/** A function: its name, the service it belongs to (empty: none) and the roles that may hold it. */
export const OncallFunction = z.object({
  id: Id,
  name: z.string(),
  service: z.optional(z.string()),
  eligibleRoles: z.array(StaffRole),
});
export type OncallFunction = z.infer<typeof OncallFunction>;

/** `POST /api/admin/functions`. */
export const NewFunctionBody = z.strictObject({ name: FunctionName, service: z.optional(ServiceName), eligibleRoles: EligibleRoles });
export type NewFunctionBody = z.infer<typeof NewFunctionBody>;

/** `PATCH /api/admin/functions/:id`: at least one field; an empty `service` clears it. */
export const FunctionChangeBody = z
  .strictObject({ name: z.optional(FunctionName), service: z.optional(ServiceName), eligibleRoles: z.optional(EligibleRoles) })
  .check(z.refine((change) => Object.keys(change).length > 0));
export type FunctionChangeBody = z.infer<typeof FunctionChangeBody>;

/** A local wall-clock time in the clinic's time zone, `HH:MM` (00:00–23:59). */
export const LocalTime = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/));

/**
 * One slot of the weekly pattern: from `start` on `day` (ISO weekday, 1 = Monday … 7 = Sunday) to
 * `end`, local time; an `end` at or before `start` ends the next day (a night shift), `end` equal
 * to `start` is a whole day.
 */
export const RotaSlot = z.strictObject({
  day: z.number().check(z.int(), z.minimum(1), z.maximum(7)),
  start: LocalTime,
  end: LocalTime,
  userId: Id,
});
export type RotaSlot = z.infer<typeof RotaSlot>;

/** `PUT /api/admin/functions/:id/pattern`: the whole weekly pattern (slots may not overlap). */
export const PatternBody = z.strictObject({ slots: z.array(RotaSlot).check(z.maxLength(ROTA_LIMITS.SLOTS_MAX)) });
export type PatternBody = z.infer<typeof PatternBody>;

const Instant = z.number().check(z.int(), z.minimum(0), z.maximum(8_640_000_000_000_000));

/** A dated override (a swap, a replacement): `userId` holds the function from `from` to `to` (ms). */
export const RotaOverride = z.object({ id: Id, from: z.number(), to: z.number(), userId: Id, createdAt: z.number() });
export type RotaOverride = z.infer<typeof RotaOverride>;

/** `POST /api/admin/functions/:id/overrides`: `to` after `from`, at most 31 days long. */
export const NewOverrideBody = z.strictObject({ from: Instant, to: Instant, userId: Id });
export type NewOverrideBody = z.infer<typeof NewOverrideBody>;

/** The holder handed the function over to a colleague, from `from` until `until` (ms). */
export const RotaHandover = z.object({ id: Id, fromUserId: Id, toUserId: Id, from: z.number(), until: z.number(), createdAt: z.number() });
export type RotaHandover = z.infer<typeof RotaHandover>;

/**
 * `POST /api/functions/:id/handover`: to whom, and until when (ms; by default the end of the
 * current holder's turn). At most 7 days ahead.
 */
export const HandoverBody = z.strictObject({ toUserId: Id, until: z.optional(Instant) });
export type HandoverBody = z.infer<typeof HandoverBody>;

/** Where the current holder comes from. */
export const HolderSource = z.enum(['pattern', 'override', 'handover']);
export type HolderSource = z.infer<typeof HolderSource>;

/**
 * A function as the directory shows it: who holds it now (a directory entry, `null` while nobody
 * does) and until when (`null`: no change ahead within the next 8 days).
 */
export const FunctionEntry = z.extend(OncallFunction, {
  holder: z.nullable(UserSummary),
  source: z.nullable(HolderSource),
  until: z.nullable(z.number()),
});
export type FunctionEntry = z.infer<typeof FunctionEntry>;
export const FunctionsReply = z.object({ functions: z.array(FunctionEntry) });
export type FunctionsReply = z.infer<typeof FunctionsReply>;

/**
 * Who one step of an escalation ladder alerts: a named staff member (the backup), or whoever holds
 * another function at that moment (the head of service on call).
 */
export const LadderTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('user'), userId: Id }),
  z.strictObject({ kind: z.literal('function'), functionId: Id }),
]);
export type LadderTarget = z.infer<typeof LadderTarget>;

/** One step: when nobody answered an urgent message `afterMinutes` after it was sent, alert `target`. */
export const LadderStep = z.strictObject({
  afterMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(ROTA_LIMITS.LADDER_AFTER_MAX_MINUTES)),
  target: LadderTarget,
});
export type LadderStep = z.infer<typeof LadderStep>;

/**
 * `PUT /api/admin/functions/:id/ladder`: the whole ladder, in order — each step strictly later than
 * the one before (an empty list: no escalation).
 */
export const LadderBody = z.strictObject({
  steps: z
    .array(LadderStep)
    .check(
      z.maxLength(ROTA_LIMITS.LADDER_STEPS_MAX),
      z.refine((steps) => steps.every((step, i) => i === 0 || step.afterMinutes > steps[i - 1]!.afterMinutes)),
    ),
});
export type LadderBody = z.infer<typeof LadderBody>;

/** `GET /api/admin/functions/:id`: the function, its holder now, its pattern and its overrides not ended. */
export const FunctionDetailReply = z.object({
  function: FunctionEntry,
  slots: z.array(RotaSlot),
  overrides: z.array(RotaOverride),
  handovers: z.array(RotaHandover),
  /** Its escalation ladder (absent from a gateway that predates ladders: none). */
  ladder: z.optional(z.array(LadderStep)),
});
export type FunctionDetailReply = z.infer<typeof FunctionDetailReply>;
