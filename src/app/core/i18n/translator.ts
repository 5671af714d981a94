import { lang, locale, type Lang } from './lang.ts';
import { formatNumber } from './format.ts';

/** Values for a sentence's `{name}` placeholders. */
export type Params = Record<string, string | number>;

/** A catalogue in each language: the same keys, French first (a unit test per catalogue checks parity). */
export type Catalogues<K extends string> = Record<Lang, Readonly<Record<K, string>>>;

/** The bases `b` of the counted sentences, those with both a `b.one` and a `b.other` key. */
export type PluralBase<K extends string> = {
  [Key in K]: Key extends `${infer Base}.one` ? (`${Base}.other` extends K ? Base : never) : never;
}[K];

/** The `t()` of one catalogue. */
export interface Translator<K extends string> {
  /** The sentence for `key` in `l` (the current language by default), placeholders filled. */
  (key: K, params?: Params, l?: Lang): string;
  /** A counted sentence: `base.one` or `base.other` as the language's plural rules say for `count` (written as the language writes numbers). */
  count(base: PluralBase<K>, count: number, l?: Lang): string;
}

/** Fills `{name}` placeholders from `params`; an unknown one stays visible rather than vanishing. */
export function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

const pluralRules = new Map<Lang, Intl.PluralRules>();

/**
 * `one` or `other` for `count` (French counts 0 and 1 as singular, English only 1). Whole numbers,
 * the usual case, follow CLDR's rule for both languages without Intl: creating the first Intl object
 * of a page costs tens of milliseconds on a slow tablet, and the conversation list's first paint
 * counts unread messages (measured in docs/PERFORMANCE.md).
 */
export function pluralForm(count: number, l: Lang): 'one' | 'other' {
  if (Number.isInteger(count) && count >= 0) return count === 1 || (l === 'fr' && count === 0) ? 'one' : 'other';
  let rules = pluralRules.get(l);
  if (!rules) pluralRules.set(l, (rules = new Intl.PluralRules(locale(l))));
  return rules.select(count) === 'one' ? 'one' : 'other';
}

/**
 * The one `t()` of the app, for any catalogue: the shell's, and each lazily loaded chunk's own (the
 * catalogues stay split so a chunk's sentences load with it; the function is shared).
 */
export function translator<K extends string>(catalogues: Catalogues<K>): Translator<K> {
  const t = (key: K, params?: Params, l: Lang = lang.value): string => fill(catalogues[l][key], params);
  return Object.assign(t, {
    count: (base: PluralBase<K>, count: number, l: Lang = lang.value): string => t(`${base}.${pluralForm(count, l)}` as K, { count: formatNumber(count, l) }, l),
  });
}
