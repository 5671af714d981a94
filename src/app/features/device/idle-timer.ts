/**
 * Inactivity timer of the auto-lock (WCAG 2.2.1: warn before the time runs out, one action extends).
 *
 *   activity ──▶ idle … lockMs − warnMs ──▶ onWarn() … warnMs ──▶ onLock()
 *                    ▲                          │ activity
 *                    └──────── onActive() ◀─────┘
 *
 * Activity only records a time; the one pending timeout re-checks it when it fires, so a stream of
 * key presses never re-arms timers.
 */

export interface IdleTimerOptions {
  /** How long before the lock the warning shows. */
  warnMs: number;
  onWarn(): void;
  /** Activity came while the warning showed: the lock is put off. */
  onActive(): void;
  onLock(): void;
  now?: () => number;
}

export interface IdleTimer {
  /** (Re)starts counting from now with this inactivity limit. */
  start(lockMs: number): void;
  /** Stops counting (signed out, already locked). */
  stop(): void;
  /** The user did something. */
  activity(): void;
}

/** Creates a stopped idle timer. */
export function createIdleTimer(options: IdleTimerOptions): IdleTimer {
  const now = options.now ?? Date.now;
  let lockMs = 0;
  let last = 0;
  let warned = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const clear = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  const check = (): void => {
    timer = null;
    const idle = now() - last;
    const warnAt = Math.max(0, lockMs - options.warnMs);
    if (idle >= lockMs) {
      warned = false;
      options.onLock();
      return;
    }
    if (idle >= warnAt) {
      if (!warned) {
        warned = true;
        options.onWarn();
      }
      timer = setTimeout(check, lockMs - idle);
      return;
    }
    timer = setTimeout(check, warnAt - idle);
  };

  return {
    start(ms) {
      clear();
      lockMs = ms;
      last = now();
      warned = false;
      check();
    },
    stop() {
      clear();
      warned = false;
    },
    activity() {
      if (timer === null) return;
      last = now();
      if (warned) {
        warned = false;
        options.onActive();
      }
    },
  };
}
