import { describe, expect, it } from 'vitest';
import { mediaErrorCode, nextCamera } from '../../../../../src/app/features/calls/media.ts';

describe('camera and microphone helpers', () => {
  it('maps every getUserMedia failure named by the spec to a code', () => {
    const codes = ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'OverconstrainedError', 'TypeError'].map((name) =>
      mediaErrorCode(new DOMException('x', name)),
    );
    expect(codes).toEqual(['denied', 'no_device', 'busy_device', 'constraints', 'unknown']);
  });

  it('moves to the next camera, wrapping, and to none with a single camera', () => {
    const cams = [{ deviceId: 'front' }, { deviceId: 'back' }] as MediaDeviceInfo[];
    expect(nextCamera(cams, 'back')?.deviceId).toBe('front');
    expect(nextCamera(cams.slice(0, 1), 'front')).toBeNull();
  });
});
