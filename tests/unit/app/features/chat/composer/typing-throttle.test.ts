import { describe, expect, it } from 'vitest';
import { createTypingThrottle } from '../../../../../../src/app/features/chat/composer/typing-throttle.ts';

describe('createTypingThrottle()', () => {
  it('lets at most one typing signal out every 3 s', () => {
    const mayType = createTypingThrottle();
    expect([mayType(0), mayType(1_000), mayType(2_999), mayType(3_000), mayType(4_000)]).toEqual([true, false, false, true, false]);
  });
});
