/**
 * The image viewer's zoom and pan, as pure functions of a view and the sizes on screen.
 *
 *   stage (the viewer's area)            the image is laid out fitted and centred in the stage,
 *   ┌──────────────────────────────┐     then drawn with `translate(x, y) scale(scale)` about its
 *   │        ┌────────────┐        │     centre: a point q of the fitted image (from its centre)
 *   │        │   image    │        │     shows at  centre + (x, y) + scale · q.
 *   │        └────────────┘        │     Zooming about a point keeps that point still; panning
 *   └──────────────────────────────┘     stops where the image's edge meets the stage's.
 */

export interface View {
  /** 1 = fitted to the stage. */
  scale: number;
  /** Offset of the image's centre from the stage's, CSS px. */
  x: number;
  y: number;
}

/** The fitted image and the stage, CSS px. */
export interface Sizes {
  imageWidth: number;
  imageHeight: number;
  stageWidth: number;
  stageHeight: number;
}

/** A point, CSS px from the stage's centre. */
export interface Point {
  x: number;
  y: number;
}

export const FITTED: View = { scale: 1, x: 0, y: 0 };
export const MIN_SCALE = 1;
export const MAX_SCALE = 8;
/** What one press of "+" or "−" multiplies the scale by. */
export const ZOOM_STEP = 1.5;
/** How far an arrow key moves a zoomed image, CSS px. */
export const PAN_STEP = 48;

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

/** The view moved back inside its bounds: the scale within [MIN, MAX], no edge of a zoomed image pulled inside the stage. */
export function clampView(view: View, sizes: Sizes): View {
  const scale = clamp(view.scale, MIN_SCALE, MAX_SCALE);
  const maxX = Math.max(0, (scale * sizes.imageWidth - sizes.stageWidth) / 2);
  const maxY = Math.max(0, (scale * sizes.imageHeight - sizes.stageHeight) / 2);
  // `+ 0` turns a -0 into 0 (a centred image has no sign).
  return { scale, x: clamp(view.x, -maxX, maxX) + 0, y: clamp(view.y, -maxY, maxY) + 0 };
}

/** Zooms by `factor` about `focus` (the stage's centre by default): the image point under it stays under it. */
export function zoomBy(view: View, factor: number, sizes: Sizes, focus: Point = { x: 0, y: 0 }): View {
  const scale = clamp(view.scale * factor, MIN_SCALE, MAX_SCALE);
  const ratio = scale / view.scale;
  return clampView({ scale, x: focus.x - ratio * (focus.x - view.x), y: focus.y - ratio * (focus.y - view.y) }, sizes);
}

/** Moves the image by (dx, dy) CSS px, within its bounds. */
export function panBy(view: View, dx: number, dy: number, sizes: Sizes): View {
  return clampView({ scale: view.scale, x: view.x + dx, y: view.y + dy }, sizes);
}

/** The zoom factor of a wheel turn (`deltaY` in CSS px): a notch of ~100 px zooms by ~1.2. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.0018);
}

/**
 * What a key does to the view, or null when it is not a viewer key: + and = zoom in, − and - zoom
 * out, 0 fits, the arrows move a zoomed image.
 */
export function viewForKey(key: string, view: View, sizes: Sizes): View | null {
  switch (key) {
    case '+':
    case '=':
      return zoomBy(view, ZOOM_STEP, sizes);
    case '-':
    case '−':
      return zoomBy(view, 1 / ZOOM_STEP, sizes);
    case '0':
      return FITTED;
    case 'ArrowLeft':
      return panBy(view, PAN_STEP, 0, sizes);
    case 'ArrowRight':
      return panBy(view, -PAN_STEP, 0, sizes);
    case 'ArrowUp':
      return panBy(view, 0, PAN_STEP, sizes);
    case 'ArrowDown':
      return panBy(view, 0, -PAN_STEP, sizes);
    default:
      return null;
  }
}
