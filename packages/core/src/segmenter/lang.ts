/**
 * Language knowledge of the segmenter: resolves the per-language data of `languages.ts` for a
 * `language` option (that language, plus English, which shows up in every language's technical
 * text), or, without one, for every language at once: the keys of different scripts do not
 * collide, so the script of the text picks its abbreviations, and keys that are ordinary words
 * in another language of the same script are left out.
 * @internal
 */
import { ALL_PREPOSITIONS, LANG_ONLY, type LangTable, MONTHS, ORDINAL_LANGS, PREPOSITIONS, STARTERS, TABLES } from './languages.js';

/**
 * How an abbreviation followed by ". " behaves:
 * - `never`: never a sentence end (e.g., i.e., z.B., Mr., Dr.).
 * - `title`: normally followed by a name; a sentence end only when the next word is a common
 *   sentence starter ("The", "Der", "Il"...).
 * - `numeric`: normally followed by a number (No. 5, Fig. 3, S. 12); a sentence end otherwise.
 * - `suffix`: ends a phrase (etc., Inc., a.m.); a sentence end when the next word starts with a
 *   capital (or caseless) letter.
 */
export type AbbrevClass = 'never' | 'title' | 'numeric' | 'suffix';

/** Resolved abbreviation lookup for one language setting. @internal */
export interface LanguageData {
  /** Primary subtag, or `undefined` for "any language" (union of all tables). */
  readonly language: string | undefined;
  readonly abbreviations: ReadonlyMap<string, AbbrevClass>;
  readonly ordinals: boolean;
  /** First parts of abbreviations with inner periods ("p" of "p.ej"), for spaced forms ("p. ej."). */
  readonly compoundHeads: ReadonlySet<string>;
  /** Prepositions (lower case) that start a fronted phrase ("At 5 a.m."), not a sentence. */
  readonly prepositions: ReadonlySet<string>;
}

const cache = new Map<string, LanguageData>();

function addTable(map: Map<string, AbbrevClass>, table: LangTable, skip: ReadonlySet<string> | undefined): void {
  // Later classes do not override earlier ones: 'never' wins over 'title' etc. when languages collide.
  const order: AbbrevClass[] = ['never', 'numeric', 'title', 'suffix'];
  for (const cls of order) {
    const list = table[cls];
    if (!list) continue;
    for (const raw of list.split(/\s+/)) {
      if (!raw) continue;
      const key = raw.toLowerCase();
      if (skip?.has(key)) continue;
      const prev = map.get(key);
      if (prev === undefined) map.set(key, cls);
      else if (prev !== cls) map.set(key, weaker(prev, cls));
    }
  }
}

/** When two languages disagree, keep the class that cuts more readily (safer for speech). */
function weaker(a: AbbrevClass, b: AbbrevClass): AbbrevClass {
  const rank: Record<AbbrevClass, number> = { never: 0, title: 1, numeric: 2, suffix: 3 };
  // 'numeric' and 'title' disagreeing -> 'title' waits for the next word, which covers both.
  if ((a === 'numeric' && b === 'title') || (a === 'title' && b === 'numeric')) return 'title';
  return rank[a] >= rank[b] ? a : b;
}

/**
 * Language data for a primary subtag (or `undefined` for all languages), plus extra
 * abbreviations supplied by the user (treated as `title`: never cut unless a sentence starter follows).
 * @internal
 */
export function getLanguageData(language: string | undefined, extra: readonly string[] = []): LanguageData {
  const key = `${language ?? '*'}|${extra.join('\u0000')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const map = new Map<string, AbbrevClass>();
  const own = language !== undefined ? TABLES[language] : undefined;
  if (own) addTable(map, own, undefined);
  if (language === undefined) {
    for (const [lang, table] of Object.entries(TABLES)) addTable(map, table, LANG_ONLY[lang]);
  } else if (language !== 'en') {
    // English abbreviations show up in every language's technical text.
    addTable(map, TABLES['en'] as LangTable, own ? LANG_ONLY['en'] : undefined);
  }
  for (const raw of extra) {
    const k = raw.trim().replace(/\.$/, '').toLowerCase();
    if (k) map.set(k, 'title');
  }
  const compoundHeads = new Set<string>();
  for (const k of map.keys()) {
    const dot = k.indexOf('.');
    if (dot > 0) compoundHeads.add(k.slice(0, dot));
  }
  const data: LanguageData = {
    language,
    abbreviations: map,
    compoundHeads,
    prepositions: language !== undefined && PREPOSITIONS[language] ? PREPOSITIONS[language] : ALL_PREPOSITIONS,
    ordinals: language !== undefined && ORDINAL_LANGS.has(language),
  };
  cache.set(key, data);
  return data;
}

/**
 * Primary language subtag of a BCP 47 tag, lower case ("de-AT" -> "de"); Norwegian Bokmål and
 * Nynorsk share Norwegian's data.
 * @internal
 */
export function normalizeLanguage(tag: string): string {
  const primary = tag.split(/[-_]/)[0]!.toLowerCase();
  return primary === 'nb' || primary === 'nn' ? 'no' : primary;
}

/** True if `word` (any case) is a common sentence starter. @internal */
export function isStarter(word: string): boolean {
  return STARTERS.has(word.toLowerCase());
}

/** True if `word` (any case) is a month name. @internal */
export function isMonth(word: string): boolean {
  return MONTHS.has(word.toLowerCase());
}

/** Longest word we need to read to decide `isStarter`/`isMonth`. @internal */
export const MAX_LOOKAHEAD_WORD = 14;

/** Roman numerals used as list enumerators. @internal */
export const ROMAN = /^(?:i{1,3}|iv|vi{0,3}|ix|xi{0,3}|x)$/i;
