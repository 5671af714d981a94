/**
 * Splits message text into plain runs and links, so the UI renders links as `<a>` elements and
 * everything else as text: no HTML in a message is ever interpreted. Only http(s) addresses and
 * `www.` ones (shown as typed, opened over https) become links; `javascript:` and friends stay text.
 */

export type TextPart = { text: string } | { text: string; href: string };

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;
/** Punctuation that usually ends a sentence rather than the address. */
const TRAILING = /[.,;:!?)\]}»]+$/;

/** The parts of `text`, in order; joining their `text` gives `text` back. */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    const raw = match[0].replace(TRAILING, '');
    if (raw.length < 5) continue;
    const href = raw.toLowerCase().startsWith('www.') ? `https://${raw}` : raw;
    let valid = true;
    try {
      const url = new URL(href);
      valid = url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      valid = false;
    }
    if (!valid) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
