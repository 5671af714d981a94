import { newId } from '../../../shared/ids.ts';
import { sendFrame } from '../../core/realtime.ts';

/**
 * The always-loaded piece of calls (app shell): it recognises `call.*` frames, tells the server at
 * once that this device rings (so the caller is not told "unavailable" while the calls chunk loads),
 * and loads the calls chunk — UI, WebRTC, ringtone — only when a call rings or starts.
 */

/** This tab's party id: one device of the user, stable across WebSocket reconnects. */
export const PARTY_ID = newId();

/** What the calls chunk (`call-controller.ts`) offers the shell. */
export interface CallsChunk {
  receiveFrame(json: unknown): void;
  startCall(options: { conversationId: string; calleeId: string; calleeName: string; video: boolean }): Promise<void>;
  openHistory(): void;
}

let loader: (() => Promise<CallsChunk>) | null = null;
let chunk: Promise<CallsChunk> | null = null;
/** Unlocked on the first tap, so a ringtone can play later even while the tab is in the background. */
let audio: AudioContext | null = null;

function load(): Promise<CallsChunk> {
  if (!loader) return Promise.reject(new Error('calls not started'));
  chunk ??= loader().catch((error: unknown) => {
    chunk = null;
    throw error;
  });
  return chunk;
}

/** The audio context unlocked by a user gesture, if any. */
export function unlockedAudio(): AudioContext | null {
  return audio;
}

/** True (and handled) when `json` is a call frame; other frames go on to the service worker. */
export function onCallFrame(json: unknown): boolean {
  const frame = json as { type?: unknown; callId?: unknown } | null;
  if (typeof frame?.type !== 'string' || !frame.type.startsWith('call.')) return false;
  if (frame.type === 'call.incoming' && typeof frame.callId === 'string') {
    sendFrame({ type: 'call.ringing', callId: frame.callId, partyId: PARTY_ID });
  }
  load().then(
    (calls) => calls.receiveFrame(json),
    () => undefined,
  );
  return true;
}

/** Starts a call to `calleeId` in a conversation (loads the calls chunk). */
export function startCall(conversationId: string, calleeId: string, calleeName: string): void {
  void load().then((calls) => calls.startCall({ conversationId, calleeId, calleeName, video: true }));
}

/** Opens the call history (loads the calls chunk). */
export function openCallHistory(): void {
  void load().then((calls) => calls.openHistory());
}

/**
 * Starts listening for calls; `load` imports the calls chunk (passed by main.tsx, so that modules
 * importing this one do not pull the chunk into their type-checking or bundles).
 * Browsers start audio only after a gesture: one context is kept, unlocked by the first tap.
 */
export function startCallListener(load: () => Promise<CallsChunk>): void {
  loader = load;
  const unlock = (): void => {
    try {
      audio ??= new AudioContext();
      void audio.resume();
    } catch {
      // No WebAudio: calls ring silently (the visual prompt remains).
    }
  };
  window.addEventListener('pointerdown', unlock, { once: true, capture: true });
  window.addEventListener('keydown', unlock, { once: true, capture: true });
}
