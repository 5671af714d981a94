import type { Change } from '../../shared/model.ts';
import { changeKey } from './change-keys.ts';

/**
 * Live frames into the store, a batch at a time, each change once:
 *
 *   tab 1 ──frame──┐                     ┌─ repeats of what was last applied (change-keys.ts): dropped
 *   tab 2 ──frame──┼─▶ apply() ─▶ batch ─┤
 *   tab 3 ──frame──┘                     └─ the others: ONE transaction, one broadcast (write)
 *         frames arriving while a batch is written join the next one, in arrival order
 *
 * Every open tab holds its own WebSocket and forwards each frame, so with N tabs the same frame
 * comes N times: N calls, one transaction, one broadcast. A repeat is dropped only when the store
 * already reflects it: any other writer of a conversation (a pull page, a request, a push answer)
 * makes this forget the conversation, and a store reset forgets everything. Forgetting is always
 * safe (the change applies again, idempotently), so the memory is emptied when it grows too big.
 */

/** Most live changes written in one transaction. */
const LIVE_BATCH_MAX = 500;
/** Subjects remembered; the copies of a frame arrive within milliseconds of each other. */
const REMEMBERED_MAX = 1000;

export class LiveApplier {
  readonly #write: (changes: readonly Change[]) => Promise<void>;
  /** Each subject's last applied state (change-keys.ts). */
  readonly #applied = new Map<string, string>();
  /** Live changes waiting for the batch being written. */
  #open: { changes: Change[]; done: Promise<void> } | null = null;
  #tail: Promise<unknown> = Promise.resolve();

  /** `write` stores a batch in one transaction and tells the tabs. */
  constructor(write: (changes: readonly Change[]) => Promise<void>) {
    this.#write = write;
  }

  /**
   * Applies the changes of a live frame: a busy conversation costs one transaction (and one
   * `changed` event) per batch instead of one per frame. Resolves when the batch holding these
   * changes is stored.
   */
  apply(changes: readonly Change[]): Promise<void> {
    const open = this.#open;
    if (open && open.changes.length < LIVE_BATCH_MAX) {
      open.changes.push(...changes);
      return open.done;
    }
    const batch: { changes: Change[]; done: Promise<void> } = { changes: [...changes], done: Promise.resolve() };
    batch.done = this.#tail.then(() => {
      if (this.#open === batch) this.#open = null;
      return this.#writeFresh(batch.changes);
    });
    this.#open = batch;
    this.#tail = batch.done.catch(() => undefined);
    return batch.done;
  }

  /** Resolves once the batches queued so far are written (or failed). */
  idle(): Promise<unknown> {
    return this.#tail;
  }

  /** Something else wrote these conversations (or these subjects failed): their next change applies. */
  forget(subjects: Iterable<string>): void {
    for (const subject of subjects) this.#applied.delete(subject);
  }

  /** The store was reset to the server's new epoch: nothing it held is known any more. */
  reset(): void {
    this.#applied.clear();
  }

  /**
   * Writes the changes of `batch` not applied yet (a repeat inside it counts once), in order. They
   * are remembered as the batch is read — a frame arriving meanwhile waits for this batch — and
   * forgotten again if the write fails.
   */
  async #writeFresh(batch: readonly Change[]): Promise<void> {
    if (this.#applied.size > REMEMBERED_MAX) this.reset();
    const subjects: string[] = [];
    const fresh = batch.filter((change) => {
      const [subject, state] = changeKey(change);
      if (this.#applied.get(subject) === state) return false;
      this.#applied.set(subject, state);
      subjects.push(subject);
      return true;
    });
    if (fresh.length === 0) return;
    try {
      await this.#write(fresh);
    } catch (error) {
      this.forget(subjects);
      throw error;
    }
  }
}
