/**
 * The message and urgent sounds, synthesised with WebAudio (no audio files to ship or cache); the
 * call ringtone is the calls chunk's (features/calls/ringtone.ts). Only a visible tab plays them: a
 * hidden one leaves alerting to the native notification.
 */

export type SoundKind = 'message' | 'urgent';

/** Tones of each sound: frequency (Hz), start and length (s). */
const PATTERNS: Record<SoundKind, [number, number, number][]> = {
  message: [
    [880, 0, 0.09],
    [1175, 0.12, 0.12],
  ],
  urgent: [
    [988, 0, 0.15],
    [1319, 0.2, 0.15],
    [988, 0.4, 0.15],
    [1319, 0.6, 0.25],
  ],
};

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctor) return null;
  context ??= new Ctor();
  // Autoplay policy: the context starts suspended until the page had a user gesture.
  if (context.state === 'suspended') void context.resume().catch(() => undefined);
  return context;
}

function visible(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'visible';
}

function play(pattern: [number, number, number][], volume: number): void {
  const ctx = audio();
  if (!ctx) return;
  const start = ctx.currentTime + 0.01;
  for (const [frequency, at, length] of pattern) {
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    // Short attack and release: no clicks.
    gain.gain.setValueAtTime(0, start + at);
    gain.gain.linearRampToValueAtTime(volume, start + at + 0.01);
    gain.gain.linearRampToValueAtTime(0, start + at + length);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(start + at);
    oscillator.stop(start + at + length + 0.02);
  }
}

/** Plays the message or urgent sound if this tab is visible; answers whether it played. */
export function playSound(kind: SoundKind): boolean {
  if (!visible()) return false;
  play(PATTERNS[kind], kind === 'urgent' ? 0.35 : 0.2);
  return true;
}
