/** Connection quality from `getStats()`: what the indicator in the call window shows. */
export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

export interface QualitySample {
  quality: Quality;
  /** Round-trip time of the selected candidate pair, ms. */
  rttMs: number | null;
  /** Share of inbound packets lost since the previous sample (0..1). */
  loss: number | null;
  bytesReceived: number;
  framesDecoded: number;
}

interface Totals {
  packetsLost: number;
  packetsReceived: number;
}

/** Grades a sample: loss matters most for video, then latency. */
export function grade(rttMs: number | null, loss: number | null): Quality {
  if (rttMs === null && loss === null) return 'unknown';
  if ((loss ?? 0) > 0.08 || (rttMs ?? 0) > 600) return 'poor';
  if ((loss ?? 0) > 0.02 || (rttMs ?? 0) > 250) return 'fair';
  return 'good';
}

/** Reads the stats of a peer connection; `previous` totals turn counters into a recent loss rate. */
export async function sampleQuality(pc: RTCPeerConnection, previous: Totals | null): Promise<QualitySample & { totals: Totals }> {
  const report = await pc.getStats();
  let rttMs: number | null = null;
  let bytesReceived = 0;
  let framesDecoded = 0;
  const totals: Totals = { packetsLost: 0, packetsReceived: 0 };
  report.forEach((stat: Record<string, unknown>) => {
    if (stat.type === 'candidate-pair' && stat.nominated && typeof stat.currentRoundTripTime === 'number') {
      rttMs = stat.currentRoundTripTime * 1000;
    }
    if (stat.type === 'inbound-rtp') {
      bytesReceived += Number(stat.bytesReceived ?? 0);
      framesDecoded += Number(stat.framesDecoded ?? 0);
      totals.packetsLost += Number(stat.packetsLost ?? 0);
      totals.packetsReceived += Number(stat.packetsReceived ?? 0);
    }
  });
  let loss: number | null = null;
  if (previous) {
    const lost = totals.packetsLost - previous.packetsLost;
    const got = totals.packetsReceived - previous.packetsReceived;
    loss = lost + got > 0 ? Math.max(0, lost) / (lost + got) : null;
  }
  return { quality: grade(rttMs, loss), rttMs, loss, bytesReceived, framesDecoded, totals };
}
