/**
 * What the harness injects, and how often. Counters are printed at the end of a run so the report
 * shows what the system actually went through.
 */
export interface FaultPolicy {
  /** A push whose response is thrown away after the server committed it. */
  dropPushResponse: number;
  /** A pull whose response is thrown away after the server answered. */
  dropPullResponse: number;
  /** A live frame lost (pub/sub is at most once; the pull must make up for it). */
  dropFrame: number;
  /** A live frame delivered twice to the service worker. */
  duplicateFrame: number;
  /** A live frame held back and delivered after the next one. */
  reorderFrame: number;
}

export const DEFAULT_POLICY: FaultPolicy = {
  dropPushResponse: 0.08,
  dropPullResponse: 0.05,
  dropFrame: 0.03,
  duplicateFrame: 0.06,
  reorderFrame: 0.06,
};

export type FaultKind =
  | 'offline-period'
  | 'request-while-offline'
  | 'push-response-dropped'
  | 'pull-response-dropped'
  | 'response-lost-going-offline'
  | 'frame-dropped'
  | 'frame-duplicated'
  | 'frame-reordered'
  | 'gateway-sigkill'
  | 'redis-sigkill'
  | 'request-to-dead-gateway';

/** Counts of injected faults by kind. */
export class FaultStats {
  readonly counts = new Map<FaultKind, number>();

  add(kind: FaultKind): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  /** Adds counts kept elsewhere (a worker thread's devices). */
  merge(counts: Record<string, number>): void {
    for (const [kind, n] of Object.entries(counts)) this.counts.set(kind as FaultKind, this.get(kind as FaultKind) + n);
  }

  get(kind: FaultKind): number {
    return this.counts.get(kind) ?? 0;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
