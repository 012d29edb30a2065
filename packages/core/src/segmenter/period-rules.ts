/**
 * What a period means: the token before it (abbreviation of the language, initial, number,
 * ordinal, enumerator), the word after it, spaced ellipses, inline enumerations and fronted time
 * phrases. General rules over the language data of `languages.ts`.
 * @internal
 */
import * as charsModule from './chars.js';
// Read once: a transpiler that turns modules into CommonJS makes every imported binding a getter call,
// which costs in this per-character code.
const { FLAGS, NL, OPEN, WS, isAsciiDigit, isAsciiLetter, isBullet, isCapital, isDigit, isLetter, isLower, isWordChar } = charsModule;
import type { AbbrevClass } from './lang.js';
import * as langModule from './lang.js';
// Read once: a transpiler that turns modules into CommonJS makes every imported binding a getter call,
// which costs in this per-character code.
const { MAX_LOOKAHEAD_WORD, ROMAN, isMonth, isStarter } = langModule;
import { MarkupScanner } from './markup-scanner.js';

/** The word after a sentence-end candidate (or the end of the input). @internal */
export type Next = { kind: 'end' } | { kind: 'char'; first: number; word: string; dotAfter: boolean };

/**
 * What a period after a token means: an abbreviation class, a plain sentence end (`cut`), an
 * initial, a short number (maybe a date: "am 3. Oktober"), an ordinal number (German "am 3."),
 * or a longer number (a year).
 */
export type PeriodClass = AbbrevClass | 'cut' | 'initial' | 'number' | 'ordinal' | 'year';

/** Words after which a number with a period is a German ordinal ("am 3.", "das 21."). */
const ORDINAL_CUES = new Set(['der', 'die', 'das', 'dem', 'den', 'des', 'am', 'im', 'vom', 'zum', 'zur', 'beim', 'ab', 'bis', 'seit']);

const VOWEL = /[aeiouyаеёиоуыэюяіїєөαεηιουω]/;
const CASED_WORD = /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]+$/u;

/**
 * True for a token that reads as an abbreviation rather than a word: letters of a cased script
 * without any vowel ("tsp", "MwSt", "Hr", "str").
 */
function looksAbbreviated(token: string): boolean {
  if (token.length > 6) return false;
  let ascii = true;
  for (let i = 0; i < token.length; i++) {
    const raw = token.charCodeAt(i);
    if (raw >= 0x80) {
      ascii = false;
      break;
    }
    const c = raw | 0x20;
    if (c < 0x61 || c > 0x7a || c === 0x61 || c === 0x65 || c === 0x69 || c === 0x6f || c === 0x75 || c === 0x79) return false;
  }
  if (ascii) return true;
  if (!CASED_WORD.test(token)) return false;
  return !VOWEL.test(token.normalize('NFD').toLowerCase());
}
/** Marks a decision that needs text that has not arrived yet. */
export const WAIT = null;

/** Period, enumerator and next-word rules. @internal */
export abstract class PeriodRules extends MarkupScanner {
  /**
   * A spaced ellipsis (". . ." or ". . . ."), whose dots start at `p` and whose whitespace ends
   * at `w`: where to cut, or -1 for no cut. Three spaced dots mark an omission inside a sentence;
   * four are a period and an omission. A period attached to its word followed by three spaced dots
   * ("compounds. . . . The") ends the sentence at that period; the omission starts the next one.
   */
  protected spacedEllipsis(p: number, dots: number, w: number, eof: boolean): number | null {
    const next = this.nextWord(w, eof, false);
    if (next === WAIT) return WAIT;
    if (next.kind === 'end') return w;
    const upper = isLetter(next.first) && !isLower(next.first);
    if (!upper || dots < 4) return -1;
    const attached = p > 0 && isWordChar(this.text.codePointBefore(p));
    return attached ? p + 2 : w;
  }

  protected decide(cls: PeriodClass | 'ellipsis' | 'quoted' | 'exclaim', next: Next): boolean {
    if (next.kind === 'end') return true;
    const f = next.first;
    const letter = isLetter(f);
    const lower = letter && isLower(f);
    const upper = letter && !lower; // includes caseless scripts
    switch (cls) {
      case 'numeric':
        return !isDigit(f) && f !== 0x23 /* # */;
      case 'suffix':
        return upper && !isMonth(next.word);
      case 'ellipsis':
      case 'quoted':
        return upper;
      case 'exclaim':
        // "Yahoo! in the ...": an exclamation or question mark before a lower-case word is inside the sentence
        return !lower;
      case 'title':
      case 'initial':
        return upper && next.word.length > 0 && isStarter(next.word) && !(next.word.length === 1 && next.dotAfter);
      case 'number':
      case 'ordinal':
      case 'year':
        if (!upper) return false;
        if (isMonth(next.word)) return false;
        if (cls === 'ordinal') return isStarter(next.word);
        return true;
      default:
        return true;
    }
  }

  /** Reads the word after whitespace at `w` (skipping opening quotes and brackets). */
  protected nextWord(w: number, eof: boolean, wordNeeded: boolean): Next | null {
    const len = this.text.len;
    let q = w;
    while (q < len && q - w < 4) {
      const d = this.text.unit(q);
      if (d === 0x22 || d === 0x27 || d === 0x28 || d === 0x5b || d === 0xbf || d === 0xa1 || d === 0x2a || d === 0x5f || FLAGS[d]! & OPEN) q++;
      else break;
    }
    if (q >= len) return eof ? { kind: 'end' } : WAIT;
    const fc = this.text.unit(q);
    if (fc >= 0xd800 && fc <= 0xdbff && q + 1 >= len && !eof) return WAIT;
    const first = this.text.codePoint(q);
    if (!isLetter(first)) return { kind: 'char', first, word: '', dotAfter: false };
    if (!wordNeeded) return { kind: 'char', first, word: '', dotAfter: false };
    let r = q;
    while (r < len && r - q <= MAX_LOOKAHEAD_WORD) {
      const d = this.text.unit(r);
      if (d === 0x27 || d === 0x2019) {
        r++;
        continue;
      }
      const cp = this.text.codePoint(r);
      if (!isWordChar(cp)) break;
      r += cp > 0xffff ? 2 : 1;
    }
    if (r >= len && !eof && r - q <= MAX_LOOKAHEAD_WORD) return WAIT;
    const word = this.text.slice(q, r);
    return { kind: 'char', first, word: word.includes('’') ? word.replace(/’/g, "'") : word, dotAfter: this.text.unit(r) === 0x2e };
  }

  /** What a single period at `p` (followed by whitespace) means, from the token before it. */
  protected classifyPeriod(p: number): PeriodClass {
    if (this.classAt === this.text.base + p) {
      this.lastToken = this.tokenCache;
      return this.classCache;
    }
    const cls = this.classifyPeriodUncached(p);
    this.classAt = this.text.base + p;
    this.classCache = cls;
    this.tokenCache = this.lastToken;
    return cls;
  }

  protected classifyPeriodUncached(p: number): PeriodClass {
    let s = p;
    while (s > 0 && p - s < 40) {
      const d = this.text.unit(s - 1);
      if (d === 0x2e || d === 0x2d || d === 0x27 || d === 0x2019 || d === 0xb0) {
        s--;
        continue;
      }
      const cp = this.text.codePointBefore(s);
      if (!isWordChar(cp)) break;
      s -= cp > 0xffff ? 2 : 1;
    }
    while (s < p && !isWordChar(this.text.unit(s))) s++;
    this.lastToken = '';
    if (s >= p) return 'cut';
    const token = this.text.slice(s, p);
    this.lastToken = token;
    const enumerator = this.isEnumeratorPosition(s);
    const t0 = token.charCodeAt(0);
    if (t0 >= 0x30 && t0 <= 0x39) {
      if (/^\d+$/.test(token)) {
        if (enumerator) return 'never';
        // the end of a time, decimal or grouped number ("10:30.", "3,5.") is not an ordinal
        const b = this.text.unit(s - 1);
        if ((b === 0x3a || b === 0x2c || b === 0x2e) && isDigit(this.text.unit(s - 2))) return 'year';
        if (token.length > 2 || this.afterNumericAbbreviation(s)) return 'year';
        return this.ordinalContext(s) ? 'ordinal' : 'number';
      }
      if (/^\d+(\.\d+)+$/.test(token)) return enumerator ? 'never' : 'cut';
    }
    const lower = token.toLowerCase();
    const abbr = this.options.lang.abbreviations;
    const first = token.codePointAt(0) ?? 0;
    const single = token.length === (first > 0xffff ? 2 : 1);
    // An initial is a single capital letter of a cased script that stands as a word of its own
    // ("J. R. R. Tolkien"), not a unit ("25 °C.") nor a letter of a caseless script.
    const initial = single && isCapital(first) && !isWordChar(this.text.codePointBefore(s)) && this.text.unit(s - 1) !== 0xb0;
    // "C. S. Lewis", "P. A. M. Dirac": a capital letter after another initial is an initial,
    // whatever the abbreviation lists say ("S." page, "a. m." time)
    if (initial && this.text.unit(s - 1) === 0x20 && this.text.unit(s - 2) === 0x2e && isCapital(this.text.codePointBefore(s - 2)) && !isWordChar(this.text.codePointBefore(s - 3))) {
      return 'initial';
    }
    // spaced abbreviations: "p. ej.", "и т. д.", "a. m."
    if (token.length <= 4 && !token.includes('.') && s >= 3 && this.text.unit(s - 1) === 0x20 && this.text.unit(s - 2) === 0x2e) {
      let t = s - 2;
      while (t > 0 && s - 2 - t < 6 && isWordChar(this.text.unit(t - 1))) t--;
      if (t < s - 2) {
        const compound = `${this.text.slice(t, s - 2).toLowerCase()}.${lower}`;
        const hit = abbr.get(compound);
        if (hit !== undefined) return hit;
      }
    }
    const hit = abbr.get(lower);
    if (hit !== undefined) return hit;
    if (enumerator && (single || (token.length <= 4 && ROMAN.test(token)))) return 'never';
    if (single) return initial ? 'initial' : isLower(first) ? 'suffix' : 'cut';
    if (token.charCodeAt(1) === 0x2e && /^(?:\p{L}\.)+\p{L}$/u.test(token)) return 'initial';
    // an unlisted abbreviation ("tsp.", "MwSt."): ends a sentence only before a capital
    if (looksAbbreviated(token)) return 'suffix';
    // a long capitalized word ending in three consonants is a clipped compound before a number ("Hauptstr. 5")
    if (token.length > 6 && isCapital(first) && /^.[\p{Ll}]+$/u.test(token) && /[bcdfghjklmnpqrstvwxzß]{3}$/.test(token)) return 'numeric';
    // a short capitalized word before a number is a reference ("Abs. 1", "Kap. 3", "Vol. 2")
    if (token.length <= 4 && isCapital(first) && CASED_WORD.test(token) && token.slice(1) === token.slice(1).toLowerCase()) return 'numeric';
    return 'cut';
  }

  /**
   * True when the pending sentence up to the period at `p` is at most three words, starts with a
   * preposition of the language and holds a number ("At 5 a.m.", "Gegen 9 Uhr."): a fronted time
   * phrase, not a sentence.
   */
  protected isFrontedPhrase(p: number): boolean {
    const from = this.firstContent;
    if (from < 0 || p - from > 32) return false;
    let words = 0;
    let firstEnd = -1;
    let digit = false;
    for (let k = from; k < p; k++) {
      if (isAsciiDigit(this.text.unit(k))) digit = true;
      const ws = (FLAGS[this.text.unit(k)]! & WS) !== 0;
      if (!ws && (k === from || FLAGS[this.text.unit(k - 1)]! & WS)) words++;
      if (ws && firstEnd < 0) firstEnd = k;
    }
    if (words > 3 || firstEnd < 0 || !digit) return false;
    return this.options.lang.prepositions.has(this.text.slice(from, firstEnd).toLowerCase());
  }

  /**
   * True when the number token at `s` follows a word that makes it a German ordinal ("am 3.",
   * "das 21."): in languages that write ordinals with a period, or when no language is set.
   */
  protected ordinalContext(s: number): boolean {
    if (this.options.lang.ordinals) return true;
    if (this.options.language !== undefined) return false;
    if (this.text.unit(s - 1) !== 0x20) return false;
    let t = s - 1;
    while (t > 0 && s - 1 - t < 5 && isLetter(this.text.unit(t - 1))) t--;
    if (t === s - 1 || (t > 0 && isWordChar(this.text.codePointBefore(t)))) return false;
    return ORDINAL_CUES.has(this.text.slice(t, s - 1).toLowerCase());
  }

  /**
   * An enumerator ("1.", "1.)", "2)", "b.", "• 10.") whose delimiter starts at `p`: at a segment
   * or line start it starts an inline list (`start`); when it continues the list (next number or
   * letter, same delimiter and bullet) it ends the item before it (`cut`, before the marker).
   */
  protected onEnumerator(p: number, eof: boolean): 'none' | 'wait' | 'cut' | 'start' {
    const len = this.text.len;
    let e = p + 1;
    let delim = this.text.unit(p) === 0x29 ? 3 : 1;
    if (delim === 1 && this.text.unit(e) === 0x29) {
      e++;
      delim = 2;
    }
    let s = p;
    while (s > 0 && p - s < 4 && isAsciiDigit(this.text.unit(s - 1))) s--;
    let kind = 0;
    let value = 0;
    if (s < p) {
      if (p - s > 3 || isWordChar(this.text.codePointBefore(s))) return 'none';
      kind = 1;
      value = Number(this.text.slice(s, p));
    } else {
      const c = this.text.unit(p - 1);
      if (!isAsciiLetter(c) || isWordChar(this.text.codePointBefore(p - 1))) return 'none';
      kind = 2;
      value = c;
      s = p - 1;
    }
    let m = s;
    let bullet = 0;
    if (isBullet(this.text.unit(s - 1))) m = s - 1;
    else if (this.text.unit(s - 1) === 0x20 && isBullet(this.text.unit(s - 2))) m = s - 2;
    if (m < s) bullet = this.text.unit(m);
    else if (s > 0 && !(FLAGS[this.text.unit(s - 1)]! & WS) && this.text.unit(s - 1) !== 0x28) return 'none';
    if (e >= len) return eof ? 'none' : 'wait';
    if (this.text.unit(e) !== 0x20) return 'none';
    const continues = this.listKind === kind && value === this.listValue + 1 && this.listDelim === delim && this.listBullet === bullet;
    if (continues && m > 0 && FLAGS[this.text.unit(m - 1)]! & WS) {
      this.listValue = value;
      this.cut(m, 'sentence');
      return 'cut';
    }
    // a bullet marks a list item wherever it stands
    if (bullet !== 0 || this.isEnumeratorPosition(m)) {
      this.listKind = kind;
      this.listValue = value;
      this.listDelim = delim;
      this.listBullet = bullet;
      this.pos = e;
      return 'start';
    }
    return 'none';
  }

  /** True when the number at `s` follows a reference abbreviation ("br. 3.", "Nr. 5."): a cardinal. */
  protected afterNumericAbbreviation(s: number): boolean {
    if (this.text.unit(s - 1) !== 0x20 || this.text.unit(s - 2) !== 0x2e) return false;
    let t = s - 2;
    while (t > 0 && s - 2 - t < 6 && isWordChar(this.text.codePointBefore(t))) t--;
    if (t === s - 2) return false;
    return this.options.lang.abbreviations.get(this.text.slice(t, s - 2).toLowerCase()) === 'numeric';
  }

  /** True when a token starting at `s` stands at a line start, segment start or after a colon. */
  protected isEnumeratorPosition(s: number): boolean {
    let k = s;
    while (k > 0) {
      const d = this.text.unit(k - 1);
      if ((FLAGS[d]! & (WS | NL)) === WS || d === 0x3e || d === 0x28 || isBullet(d)) k--;
      else break;
    }
    if (k === 0) return true;
    const d = this.text.unit(k - 1);
    // "Steps: 1. Open it" is an enumeration; "at 10:30. Then" is a time
    return d === 0x0a || (d === 0x3a && k < s);
  }
}
