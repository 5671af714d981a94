import { describe, expect, it } from 'vitest';
import { turnCredentials } from '../../../../src/server/calls/ice-servers.ts';

describe('turnCredentials()', () => {
  it('builds TURN REST credentials as coturn checks them (use-auth-secret)', () => {
    // Reference value: printf '%s' '1700000000:u1' | openssl dgst -sha1 -hmac secret -binary | base64
    expect(turnCredentials('secret', 'u1', 1_700_000_000)).toEqual({
      username: '1700000000:u1',
      credential: 'nHzZnCmm4aatc14e91U9AY8VNQM=',
    });
  });
});
