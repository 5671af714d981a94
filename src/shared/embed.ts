import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';

/**
 * The host API (docs/EMBEDDING.md): what a clinic page that embeds Relais (`/embed.js`) and the app
 * framed in it (`/?embed=1`) say to each other over `postMessage`. Every message is an object whose
 * `type` starts with `relais:`; a request carries an `id` of the host's choosing, echoed in the answer.
 */

/** The host's requests, by type (the app checks each against its schema). */
const RequestId = z.string().check(z.minLength(1), z.maxLength(64));
/** INS (identifiant national de santé): the NIR, 13 digits (Corsica: 2A/2B) and its 2-digit key, or a local test identifier. */
const Ins = z.string().check(z.minLength(1), z.maxLength(32), z.regex(/^[0-9A-Za-z]+$/));

export const OpenPatientRequest = z.strictObject({
  type: z.literal('relais:open-patient'),
  id: RequestId,
  ins: Ins,
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(LIMITS.DISPLAY_NAME_MAX))),
  birthDate: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))),
});
export const OpenColleagueRequest = z.strictObject({
  type: z.literal('relais:open-colleague'),
  id: RequestId,
  username: z.optional(z.string().check(z.minLength(1), z.maxLength(LIMITS.USERNAME_MAX))),
  rpps: z.optional(z.string().check(z.regex(/^\d{11}$/))),
});
export const UnreadRequest = z.strictObject({ type: z.literal('relais:unread'), id: RequestId });
/** The embed script's first word to the frame: it learns whom to talk to (and answers `relais:ready`). */
export const HelloRequest = z.strictObject({ type: z.literal('relais:hello'), id: RequestId });
/** The side panel was shown (`open: true`) or hidden by the host. */
export const PanelRequest = z.strictObject({ type: z.literal('relais:panel'), id: RequestId, open: z.boolean() });

export const HostRequest = z.discriminatedUnion('type', [OpenPatientRequest, OpenColleagueRequest, UnreadRequest, HelloRequest, PanelRequest]);
export type HostRequest = z.infer<typeof HostRequest>;

/** The stable error codes the frame answers with (`relais:error` {id?, code}). */
export const EMBED_ERRORS = [
  /** Not an object with a known `relais:` type and the fields its schema asks for. */
  'embed_bad_message',
  /** Nobody is signed in in the frame (or it could not get its cookie: cross-site). */
  'embed_signed_out',
  /** No colleague with that username or RPPS number. */
  'embed_colleague_not_found',
] as const;
export type EmbedError = (typeof EMBED_ERRORS)[number];

/** What the frame says to the host, by type (each carries the request's `id` when it answers one). */
export interface FrameEvents {
  /** `mode`: `panel` when the frame has its cookie (same site), `window` when it cannot (cross-site: open a window). */
  'relais:ready': { mode: 'panel' | 'window'; signedIn: boolean };
  /** Unread messages + missed calls; answered to `relais:unread` and pushed on every change. */
  'relais:unread': { count: number; messages: number; missedCalls: number };
  /** An incoming call rings (`ringing`) or stopped ringing (`idle`). */
  'relais:call': { state: 'ringing' | 'idle'; callerName?: string; functionName?: string };
  /**
   * `open-patient` / `open-colleague` done: `conversation` opened, or `offer` (nothing yet: the panel
   * proposes to start one); later, `created` when the person started one from that offer (it carries
   * the `open-patient` request's id).
   */
  'relais:opened': { result: 'conversation' | 'offer' | 'created'; conversationId?: string };
  /** The person closed the panel from inside (its close button). */
  'relais:close': object;
  'relais:error': { code: EmbedError };
}
export type FrameEvent = { [T in keyof FrameEvents]: { type: T; id?: string } & FrameEvents[T] }[keyof FrameEvents];

/** The address of the framed app, and of the window opened instead when the host is cross-site. */
export const EMBED_QUERY = 'embed';
