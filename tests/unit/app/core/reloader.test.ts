import { describe, expect, it } from 'vitest';
import { createReloader } from '../../../../src/app/core/reloader.ts';

describe('createReloader()', () => {
  it('runs one load for a burst of triggers, plus one more for triggers during the load', async () => {
    const gates: (() => void)[] = [];
    let announceStart = (): void => undefined;
    const nextStart = (): Promise<void> => new Promise<void>((resolve) => (announceStart = resolve));
    let loads = 0;
    const reload = createReloader(async () => {
      loads += 1;
      announceStart();
      await new Promise<void>((resolve) => gates.push(resolve));
    });
    const first = reload();
    void reload();
    void reload();
    expect(loads).toBe(1);
    const secondStarted = nextStart();
    gates.shift()?.();
    await secondStarted;
    gates.shift()?.();
    await first;
    expect(loads).toBe(2);
    const third = reload();
    gates.shift()?.();
    await third;
    expect(loads).toBe(3);
  });

  it('keeps working after a failed load', async () => {
    let loads = 0;
    const reload = createReloader(async () => {
      loads += 1;
      if (loads === 1) throw new Error('storage');
    });
    await reload();
    await reload();
    expect(loads).toBe(2);
  });
});
