/**
 * Time-ordered message ids (UUIDv7, RFC 9562 §6.2 method 1: a 12-bit counter in `rand_a` keeps ids
 * made in the same millisecond in creation order).
 *
 * Why not `newId()` from shared/ids.ts: it bundles the `uuidv7` package, 1.8 KB gzip of the 30 KB
 * app-shell budget (measured with esbuild --minify | gzip); this is 0.2 KB. The SW and the server
 * accept any RFC 9562 UUID (`z.uuid()`), so both generators interoperate.
 */

let lastMs = -1;
let counter = 0;

function hex(bytes: Uint8Array, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return out;
}

/** A new UUIDv7; later calls always sort after earlier ones on this page, even within one millisecond. */
export function newMessageId(now: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    counter += 1;
    // Counter exhausted: borrow the next millisecond rather than break the order.
    if (counter > 0xfff) {
      ms += 1;
      counter = (bytes[7] ?? 0) & 0x3ff;
    }
  } else {
    // Random start, with headroom below 0xfff for ids in the same millisecond.
    counter = (((bytes[6] ?? 0) << 8) | (bytes[7] ?? 0)) & 0x3ff;
  }
  lastMs = ms;
  let rest = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  return `${hex(bytes, 0, 4)}-${hex(bytes, 4, 6)}-${hex(bytes, 6, 8)}-${hex(bytes, 8, 10)}-${hex(bytes, 10, 16)}`;
}
