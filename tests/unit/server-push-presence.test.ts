import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { SocketRegistry } from '../../src/server/realtime/socket-registry.ts';

/** The registry tells push presence when a user's first socket opens and their last one goes. */
describe('SocketRegistry onUser', () => {
  const socket = (): WebSocket => ({ readyState: 1, OPEN: 1, terminate: () => undefined, close: () => undefined }) as unknown as WebSocket;

  it('reports a user connected on the first socket and gone after the last, whatever removed it', () => {
    const seen: [string, boolean][] = [];
    const registry = new SocketRegistry({ highWatermark: 1024, onUser: (userId, connected) => seen.push([userId, connected]) });
    const [a, b, c] = [socket(), socket(), socket()];
    registry.add('anne', a);
    registry.add('anne', b);
    expect(seen).toEqual([['anne', true]]);
    registry.remove('anne', a);
    expect(seen).toEqual([['anne', true]]);
    registry.remove('anne', b);
    expect(seen).toEqual([['anne', true], ['anne', false]]);
    registry.add('karim', c);
    registry.dropUser('karim');
    registry.add('paul', socket());
    registry.closeAll(1001, 'bye');
    expect(seen.slice(2)).toEqual([['karim', true], ['karim', false], ['paul', true], ['paul', false]]);
  });
});
