import { newId } from '../../../shared/ids.ts';

/** This tab's party id: one device of the user, stable across WebSocket reconnects. */
export const PARTY_ID = newId();

/** Unlocked on the first tap, so a ringtone can play later even while the tab is in the background. */
let audio: AudioContext | null = null;

/** The audio context unlocked by a user gesture, if any. */
export function unlockedAudio(): AudioContext | null {
  return audio;
}

/** Browsers start audio only after a gesture: one context is kept, unlocked by the first tap or key. */
export function unlockAudioOnFirstGesture(): void {
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
