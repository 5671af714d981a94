/** How a run ended: `done` lets a joined caller's extra run happen; `failed` does not (it would fail again). */
export type RunResult = 'done' | 'failed';

/** Runs `task` once at a time: callers during a run join it, and it runs once more after. */
export class SingleFlight {
  readonly #task: () => Promise<RunResult>;
  #run: Promise<void> | null = null;
  #again = false;

  constructor(task: () => Promise<RunResult>) {
    this.#task = task;
  }

  get running(): boolean {
    return this.#run !== null;
  }

  get current(): Promise<void> | null {
    return this.#run;
  }

  /** Starts a run, or joins the running one and asks for one more run after it. */
  start(): Promise<void> {
    if (this.#run) {
      this.#again = true;
      return this.#run;
    }
    const run = (async () => {
      try {
        let result: RunResult;
        do {
          this.#again = false;
          result = await this.#task();
        } while (this.#again && result === 'done');
      } finally {
        this.#run = null;
      }
    })();
    this.#run = run;
    return run;
  }
}
