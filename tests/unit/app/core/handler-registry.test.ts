import { describe, expect, it } from 'vitest';
import { handlerRegistry, keyMatches } from '../../../../src/app/core/handler-registry.ts';

describe('handlerRegistry()', () => {
  it('calls the handlers of the exact name and of its family, until they are removed', () => {
    const registry = handlerRegistry<string>('.');
    const heard: string[] = [];
    const removeExact = registry.add('call.incoming', 'exact');
    registry.add('call.', 'family');
    registry.add('calls', 'other');
    registry.forEach('call.incoming', (handler) => heard.push(handler));
    expect(heard.sort()).toEqual(['exact', 'family']);
    removeExact();
    heard.length = 0;
    registry.forEach('call.incoming', (handler) => heard.push(handler));
    expect(heard).toEqual(['family']);
  });

  it('takes a family only by a prefix ending with the separator', () => {
    expect([keyMatches('call.', 'call.signal', '.'), keyMatches('call', 'call.signal', '.'), keyMatches('typing', 'typing', '.')]).toEqual([true, false, true]);
  });
});
