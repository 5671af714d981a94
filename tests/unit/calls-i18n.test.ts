import { describe, expect, it } from 'vitest';
import { CALL_OUTCOMES } from '../../src/shared/calls.ts';
import { callsEn } from '../../src/app/calls/calls-en.ts';
import { callsFr } from '../../src/app/calls/calls-fr.ts';
import { formatDuration, tCall } from '../../src/app/calls/calls-i18n.ts';
import { grade } from '../../src/app/calls/quality.ts';
import { mediaErrorCode, nextCamera } from '../../src/app/calls/media.ts';
import { turnCredentials } from '../../src/server/calls/ice-servers.ts';

describe('calls catalogues', () => {
  it('have the same keys and placeholders in French and English, none empty', () => {
    expect(Object.keys(callsEn).sort()).toEqual(Object.keys(callsFr).sort());
    const placeholders = (text: string): string[] => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(callsFr) as (keyof typeof callsFr)[]) {
      expect(callsFr[key].trim(), key).not.toBe('');
      expect(placeholders(callsEn[key]), key).toEqual(placeholders(callsFr[key]));
    }
  });

  it('name every call outcome in both languages', () => {
    for (const outcome of CALL_OUTCOMES) {
      expect(callsFr).toHaveProperty(`outcome.${outcome}`);
      expect(callsEn).toHaveProperty(`ended.${outcome}`);
    }
  });

  it('says a refused camera in French with a way out', () => {
    expect(tCall('media.denied', undefined, 'fr')).toContain('l’autorisation a été refusée');
    expect(tCall('media.audioOnly', undefined, 'fr')).toBe('Continuer en audio seul');
    expect(tCall('ended.answeredElsewhere', undefined, 'fr')).toBe('Répondu sur un autre appareil');
  });
});

describe('call helpers', () => {
  it('maps every getUserMedia failure named by the spec to a code', () => {
    const codes = ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'OverconstrainedError', 'TypeError'].map((name) =>
      mediaErrorCode(new DOMException('x', name)),
    );
    expect(codes).toEqual(['denied', 'no_device', 'busy_device', 'constraints', 'unknown']);
  });

  it('formats durations as m:ss and h:mm:ss', () => {
    expect([formatDuration(0), formatDuration(75), formatDuration(3_725)]).toEqual(['0:00', '1:15', '1:02:05']);
  });

  it('grades the connection by loss first, then latency', () => {
    expect([grade(20, 0), grade(300, 0), grade(20, 0.1), grade(null, null)]).toEqual(['good', 'fair', 'poor', 'unknown']);
  });

  it('moves to the next camera, wrapping, and to none with a single camera', () => {
    const cams = [{ deviceId: 'front' }, { deviceId: 'back' }] as MediaDeviceInfo[];
    expect(nextCamera(cams, 'back')?.deviceId).toBe('front');
    expect(nextCamera(cams.slice(0, 1), 'front')).toBeNull();
  });

  it('builds TURN REST credentials as coturn checks them (use-auth-secret)', () => {
    // Reference value: printf '%s' '1700000000:u1' | openssl dgst -sha1 -hmac secret -binary | base64
    expect(turnCredentials('secret', 'u1', 1_700_000_000)).toEqual({
      username: '1700000000:u1',
      credential: 'nHzZnCmm4aatc14e91U9AY8VNQM=',
    });
  });
});
