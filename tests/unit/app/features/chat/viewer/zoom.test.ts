import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  clampView,
  FITTED,
  MAX_SCALE,
  panBy,
  PAN_STEP,
  viewForKey,
  wheelFactor,
  ZOOM_STEP,
  zoomBy,
  type Sizes,
  type View,
} from '../../../../../../src/app/features/chat/viewer/zoom.ts';

/** A 390-px phone's stage with a landscape photo fitted to its width. */
const PHONE: Sizes = { imageWidth: 390, imageHeight: 260, stageWidth: 390, stageHeight: 700 };

/** Where the image point under `focus` (from the stage's centre) sits in the fitted image, for `view`. */
const imagePointUnder = (view: View, focus: { x: number; y: number }) => ({ x: (focus.x - view.x) / view.scale, y: (focus.y - view.y) / view.scale });

describe('zoomBy()', () => {
  it('zooms about the stage’s centre by default, the image staying centred', () => {
    expect(zoomBy(FITTED, ZOOM_STEP, PHONE)).toEqual({ scale: 1.5, x: 0, y: 0 });
  });

  it('keeps the image point under the focus where it was', () => {
    // A square stage: zoomed twice, the image overflows it both ways, so nothing is clamped.
    const square: Sizes = { imageWidth: 390, imageHeight: 260, stageWidth: 390, stageHeight: 390 };
    const focus = { x: 100, y: -40 };
    const view = zoomBy(FITTED, 2, square, focus);
    expect(view.scale).toBe(2);
    expect(imagePointUnder(view, focus).x).toBeCloseTo(imagePointUnder(FITTED, focus).x);
    expect(imagePointUnder(view, focus).y).toBeCloseTo(imagePointUnder(FITTED, focus).y);
  });

  it('never goes below fitted nor above the maximum', () => {
    expect(zoomBy(FITTED, 0.5, PHONE)).toEqual(FITTED);
    expect(zoomBy({ scale: 7, x: 0, y: 0 }, 4, PHONE).scale).toBe(MAX_SCALE);
  });

  it('brings a moved image back to the centre when zooming out to fitted', () => {
    const zoomed = panBy(zoomBy(FITTED, 3, PHONE), 200, 100, PHONE);
    expect(zoomed.x).toBeGreaterThan(0);
    expect(zoomBy(zoomed, 1 / 3, PHONE)).toEqual(FITTED);
  });
});

describe('panBy() and clampView()', () => {
  it('does not move a fitted image', () => {
    expect(panBy(FITTED, 50, -30, PHONE)).toEqual(FITTED);
  });

  it('moves a zoomed image until its edge meets the stage’s', () => {
    const zoomed = zoomBy(FITTED, 2, PHONE); // 780 × 520 on a 390 × 700 stage
    expect(panBy(zoomed, 100, 0, PHONE)).toEqual({ scale: 2, x: 100, y: 0 });
    expect(panBy(zoomed, 1000, 0, PHONE).x).toBe((780 - 390) / 2);
    expect(panBy(zoomed, -1000, 0, PHONE).x).toBe(-(780 - 390) / 2);
    // 520 px tall still fits in 700: no vertical move.
    expect(panBy(zoomed, 0, 80, PHONE).y).toBe(0);
  });

  it('keeps every view within its bounds, whatever the gestures', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('zoom' as const), factor: fc.double({ min: 0.1, max: 10, noNaN: true }), x: fc.integer({ min: -400, max: 400 }), y: fc.integer({ min: -400, max: 400 }) }),
      fc.record({ kind: fc.constant('pan' as const), factor: fc.constant(1), x: fc.integer({ min: -2000, max: 2000 }), y: fc.integer({ min: -2000, max: 2000 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let view = FITTED;
        for (const s of steps) view = s.kind === 'zoom' ? zoomBy(view, s.factor, PHONE, { x: s.x, y: s.y }) : panBy(view, s.x, s.y, PHONE);
        expect(view.scale).toBeGreaterThanOrEqual(1);
        expect(view.scale).toBeLessThanOrEqual(MAX_SCALE);
        expect(Math.abs(view.x)).toBeLessThanOrEqual(Math.max(0, (view.scale * PHONE.imageWidth - PHONE.stageWidth) / 2) + 1e-9);
        expect(Math.abs(view.y)).toBeLessThanOrEqual(Math.max(0, (view.scale * PHONE.imageHeight - PHONE.stageHeight) / 2) + 1e-9);
        expect(clampView(view, PHONE)).toEqual(view);
      }),
    );
  });
});

describe('viewForKey()', () => {
  it('zooms with + and −, fits with 0, moves a zoomed image with the arrows, ignores other keys', () => {
    const zoomed = viewForKey('+', FITTED, PHONE) as View;
    expect(zoomed.scale).toBe(ZOOM_STEP);
    expect(viewForKey('=', FITTED, PHONE)?.scale).toBe(ZOOM_STEP);
    expect(viewForKey('-', zoomed, PHONE)).toEqual(FITTED);
    expect(viewForKey('0', zoomed, PHONE)).toEqual(FITTED);
    // ArrowRight shows more of the right: the image moves left.
    expect(viewForKey('ArrowRight', zoomed, PHONE)?.x).toBe(-PAN_STEP);
    expect(viewForKey('ArrowLeft', zoomed, PHONE)?.x).toBe(PAN_STEP);
    expect(viewForKey('Enter', zoomed, PHONE)).toBeNull();
    expect(viewForKey('a', zoomed, PHONE)).toBeNull();
  });
});

describe('wheelFactor()', () => {
  it('zooms in when the wheel turns up, out when it turns down, not at all for no turn', () => {
    expect(wheelFactor(-100)).toBeGreaterThan(1.15);
    expect(wheelFactor(100)).toBeLessThan(1 / 1.15);
    expect(wheelFactor(0)).toBe(1);
    expect(wheelFactor(100) * wheelFactor(-100)).toBeCloseTo(1);
  });
});
