/**
 * Image thumbnails, made in the page before the file goes to the SW: decoded with
 * createImageBitmap, scaled down on an OffscreenCanvas (a DOM canvas where there is none), saved as
 * a small JPEG. The list shows the thumbnail; the full image loads only when opened.
 */

/** Longest side of a thumbnail, px. */
export const THUMB_MAX = 320;

export interface Thumbnail {
  bytes: ArrayBuffer;
  mime: 'image/jpeg';
  width: number;
  height: number;
}

/** A thumbnail of an image file, or null when the browser cannot decode it (the file still goes). */
export async function makeThumbnail(file: Blob): Promise<Thumbnail | null> {
  try {
    const bitmap = await createImageBitmap(file);
    const { width, height } = bitmap;
    const scale = Math.min(1, THUMB_MAX / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    let blob: Blob | null;
    if (typeof OffscreenCanvas === 'function') {
      const canvas = new OffscreenCanvas(w, h);
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0, w, h);
      blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.7 });
    } else {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0, w, h);
      blob = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/jpeg', 0.7));
    }
    bitmap.close();
    if (!blob) return null;
    return { bytes: await blob.arrayBuffer(), mime: 'image/jpeg', width, height };
  } catch {
    return null;
  }
}
