import { describe, expect, it } from 'vitest';
import { grade } from '../../../../../src/app/features/calls/quality.ts';

describe('grade()', () => {
  it('grades the connection by loss first, then latency', () => {
    expect([grade(20, 0), grade(300, 0), grade(20, 0.1), grade(null, null)]).toEqual(['good', 'fair', 'poor', 'unknown']);
  });
});
