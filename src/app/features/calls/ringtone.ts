/**
 * A ringtone made with WebAudio (no sound file to ship): two-tone bursts, scheduled ahead on the
 * audio clock rather than with timers, so it keeps ringing in a background tab where timers are
 * throttled to once a minute.
 */
const BURST_S = 1.2;
const PERIOD_S = 3;

export interface Ringtone {
  stop(): void;
}

/** Rings for `seconds` on `context` (a context unlocked by an earlier gesture); null without audio. */
export function playRingtone(context: AudioContext | null, seconds: number): Ringtone | null {
  if (!context) return null;
  void context.resume().catch(() => undefined);
  const out = context.createGain();
  out.gain.value = 0.15;
  out.connect(context.destination);
  const start = context.currentTime + 0.05;
  const oscillators: OscillatorNode[] = [];
  for (let at = 0; at < seconds; at += PERIOD_S) {
    for (const [offset, frequency] of [
      [0, 660],
      [BURST_S / 2, 880],
    ] as const) {
      const osc = context.createOscillator();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      const envelope = context.createGain();
      envelope.gain.setValueAtTime(0, start + at + offset);
      envelope.gain.linearRampToValueAtTime(1, start + at + offset + 0.02);
      envelope.gain.setValueAtTime(1, start + at + offset + BURST_S / 2 - 0.05);
      envelope.gain.linearRampToValueAtTime(0, start + at + offset + BURST_S / 2);
      osc.connect(envelope).connect(out);
      osc.start(start + at + offset);
      osc.stop(start + at + offset + BURST_S / 2);
      oscillators.push(osc);
    }
  }
  return {
    stop() {
      for (const osc of oscillators) {
        try {
          osc.stop();
        } catch {
          // Already stopped.
        }
      }
      out.disconnect();
    },
  };
}
