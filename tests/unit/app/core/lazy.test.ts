import { describe, expect, it } from 'vitest';
import { lazyModule } from '../../../../src/app/core/lazy.ts';

describe('lazyModule()', () => {
  it('imports once however many ask, and keeps the module', async () => {
    let imports = 0;
    const load = lazyModule(async () => ({ n: ++imports }));
    const [a, b] = await Promise.all([load(), load()]);
    expect(await load()).toBe(a);
    expect(b).toBe(a);
    expect(imports).toBe(1);
  });

  it('tries again after a failed import instead of failing for good', async () => {
    let attempts = 0;
    const load = lazyModule(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('chunk not reachable');
      return 'chunk';
    });
    await expect(load()).rejects.toThrow('chunk not reachable');
    expect(await load()).toBe('chunk');
    expect(attempts).toBe(2);
  });
});
