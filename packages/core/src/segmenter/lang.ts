/**
 * Language data for the segmenter: abbreviations, sentence starters, month names and
 * languages that write ordinal numbers with a period ("am 3. Oktober").
 *
 * Keys are lower case, without the final period, with inner periods kept ("e.g", "z.b", "т.д").
 * @internal
 */

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

type LangTable = Partial<Record<AbbrevClass, string>>;

/** Abbreviations per primary language subtag. Space-separated lists. */
const TABLES: Record<string, LangTable> = {
  en: {
    never: 'e.g i.e viz cf vs mr mrs messrs dr prof rev hon mssrs mmes',
    title:
      'ms st mt ft gen col capt lt sgt maj cmdr adm gov sen rep pres supt insp det approx ca sr jr fr pvt cpl brig',
    numeric: 'no nos nr n° nº fig figs vol vols p pp ch chap sec sect art eq eqs ex tel ext op para cat ref appx pg',
    suffix:
      'etc inc ltd co corp llc plc bros esq dept univ assn est al a.m p.m ave blvd rd ph.d m.d b.a m.a b.sc m.sc d.c jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun min hr hrs sq oz lb lbs yr yrs mo mos wk govt intl natl misc e.v ibid',
  },
  de: {
    never:
      'z.b d.h bzw vgl sog ggf evtl inkl exkl bspw u.u z.t o.ä s.o s.u i.d.r hr fr dipl ing bzgl v.a z.zt u.v.m dt gegr',
    numeric: 'nr s abb kap bd tab abs art ziff tel str hnr',
    suffix: 'usw u.a etc mio mrd jh jhd n.chr v.chr e.v jan feb märz apr aug sept okt nov dez',
    title: 'ca',
  },
  fr: {
    never: 'mme mlle mm cf p.ex ex env c.-à-d dr pr st ste me',
    numeric: 'n n° p vol chap art fig no t',
    suffix: 'etc apr j.-c cie éd janv févr avr juil sept oct nov déc',
  },
  es: {
    never:
      'sr sra srta sres dr dra ud uds vd vds dña lic ing arq prof profa excmo excma ilmo p.ej aprox av avda sto sta',
    numeric: 'pág págs núm n p cap art vol tel fig',
    suffix: 'etc ee.uu s.a s.l cía a.c d.c hnos ene feb abr jun jul ago sept oct nov dic',
  },
  it: {
    never: 'sig sig.ra sig.na sigg dott dott.ssa prof prof.ssa ing avv arch geom rag on mons p.es es',
    numeric: 'pag pagg n nr cap art vol tel fig',
    suffix: 'ecc s.p.a s.r.l a.c d.c genn febbr',
  },
  pt: {
    never: 'sr sra srta dr dra exmo exma prof profa eng arq v.exa p.ex aprox av',
    numeric: 'pág págs n nº art cap vol tel fig',
    suffix: 'etc lda ltda s.a a.c d.c séc',
  },
  nl: {
    never: 'dhr mevr mw dr prof ir drs mr ing bijv d.w.z i.p.v m.b.t t.a.v z.g.a m.n resp ca vs evt',
    numeric: 'nr blz art fig tel',
    suffix: 'enz etc e.d o.a jl b.v n.v ma di wo do vr za zo',
  },
  ru: {
    never: 'т.е т.к т.н т.ч напр см ср проф акад доц им ул г-н г-жа тов',
    numeric: 'д кв стр с рис табл гл п ст т вып ч',
    suffix: 'т.д т.п др пр г гг вв в н.э руб коп тыс млн млрд мин сек',
  },
  uk: {
    never: 'т.ч напр див вул проф ім акад доц',
    numeric: 'с ст рис табл п',
    suffix: 'т.д т.п р рр тис млн млрд грн коп',
  },
  bg: {
    never: 'т.е напр проф ул',
    numeric: 'с стр',
    suffix: 'т.н и т.н г гг хил млн млрд лв',
  },
  pl: {
    never:
      'np tzw m.in dr prof inż mgr ks hab doc ul św zob por wg tj tzn ds im płk kpt mjr ppłk śp al',
    numeric: 'nr str s godz poz art ust pkt rys tab t ok',
    suffix: 'itd itp r w tys mln mld zł gr pn płd wsch zach br ub',
  },
  cs: {
    never: 'např tzv tj resp mj pí sl ing mgr bc doc prof mudr judr rndr phdr csc drsc ul nám tř popř ev cca',
    numeric: 'č str s r odst písm obr tab tel kap',
    suffix: 'atd apod aj tis mil mld kč st',
  },
  sk: {
    never: 'napr tzv tj resp ing mgr bc doc prof mudr judr ul nám popr cca',
    numeric: 'č str s r ods písm obr tab tel',
    suffix: 'atď atd a.i tis mil mld st',
  },
  sv: {
    never: 't.ex bl.a s.k dvs f.d jfr resp ca p.g.a fr.o.m t.o.m',
    numeric: 'nr s kap tel kl',
    suffix: 'osv m.m m.fl o.s.v etc o.l',
  },
  da: {
    never: 'f.eks bl.a dvs pga evt ifm mht hhv vha iht ca jf',
    numeric: 'nr s kap tel kl',
    suffix: 'osv m.m mv o.l etc',
  },
  no: {
    never: 'f.eks bl.a dvs pga evt ifm mht hhv vha iht ca jf',
    numeric: 'nr s kap tel kl',
    suffix: 'osv m.m mv o.l etc',
  },
  fi: {
    never: 'esim ks mm ns tri prof dos ts',
    numeric: 'n klo s',
    suffix: 'jne yms ym v eKr jKr',
  },
  tr: {
    never: 'dr prof doç av yrd sn alb bnb yzb org örn bkz',
    numeric: 'no s sf tel cad sok mah apt',
    suffix: 'vb vd yy ltd şti a.ş m.ö m.s vs',
  },
  el: {
    never: 'κ κα π.χ δηλ βλ δρ καθ αγ',
    numeric: 'αρ σελ τηλ κεφ',
    suffix: 'κλπ κτλ κ.λπ κ.τ.λ μ.χ χλμ εκ δισ χιλ',
  },
  hi: { never: 'डॉ प्रो श्री' },
  id: {
    never: 'dr prof ir drs hj sdr sdri yth bpk jl kab kec kel',
    numeric: 'no hlm tgl',
    suffix: 'dll dsb dst tsb',
  },
  vi: { never: 'tp ts ths pgs gs bs' },
  ro: { never: 'dl dna dr prof ing str', numeric: 'nr p pag', suffix: 'etc ș.a.m.d' },
  hu: { never: 'dr prof pl stb', numeric: 'sz o', suffix: 'stb kft rt' },
};
TABLES['nb'] = TABLES['no'] as LangTable;
TABLES['nn'] = TABLES['no'] as LangTable;
TABLES['ms'] = TABLES['id'] as LangTable;

/**
 * Keys that are ordinary words in some language and therefore are used only when that language
 * is set explicitly (never in the all-language union used when no language is given).
 */
const LANG_ONLY: Record<string, ReadonlySet<string>> = {
  it: new Set(['es', 'on']),
  fr: new Set(['me', 'ex', 't', 'n', 'p', 'mm', 'pr']),
  pl: new Set(['al', 'ok', 'w', 'r', 'im', 'por', 'ks']),
  fi: new Set(['v', 'n', 's', 'mm']),
  tr: new Set(['vs', 'av', 'sn', 'org', 'd']),
  cs: new Set(['r', 's', 'st', 'pí', 'sl', 'ev']),
  sk: new Set(['r', 's', 'st']),
  de: new Set(['s', 'fr', 'hr', 'dt', 'str', 'abs', 'art']),
  nl: new Set(['mr', 'ir', 'e.d', 'o.a', 'ma', 'di', 'wo', 'do', 'vr', 'za', 'zo']),
  sv: new Set(['s', 'kl', 'ca']),
  da: new Set(['s', 'kl', 'mv']),
  no: new Set(['s', 'kl', 'mv']),
  nb: new Set(['s', 'kl', 'mv']),
  nn: new Set(['s', 'kl', 'mv']),
  ro: new Set(['dl', 'p', 'str']),
  hu: new Set(['pl', 'sz', 'o', 'rt']),
  id: new Set(['no', 'kab', 'kel']),
  ms: new Set(['no', 'kab', 'kel']),
  ru: new Set(['пр', 'ст']),
  es: new Set(['n', 'p']),
  pt: new Set(['n']),
  vi: new Set(['ts', 'bs', 'gs']),
};

/** Languages that write ordinal numbers as "3." ("am 3. Oktober", "3. sınıf"). */
const ORDINAL_LANGS = new Set([
  'de', 'da', 'nb', 'nn', 'no', 'fi', 'cs', 'sk', 'pl', 'hu', 'hr', 'sl', 'sr', 'bs', 'tr', 'is', 'et', 'lv', 'fo',
]);

/** Capitalized words that commonly begin a sentence (lower-cased), many languages. */
const STARTERS = new Set(
  (
    // en
    'the this that these those it its it\'s i we you he she they there here in on at for but and so if when while after before as a an my our your his her their what why how who where which also however then now let let\'s please yes no not each every some many most all one to with by from of or because since although finally first second third next note today overall thanks thank sure great ok okay do does did is are was were can could would should will may might must just well still even only once both other another such instead meanwhile otherwise besides therefore thus hence again always never sometimes often perhaps maybe unfortunately fortunately additionally furthermore moreover similarly indeed here\'s there\'s that\'s what\'s i\'m i\'ll i\'ve i\'d we\'re we\'ll you\'re don\'t it\'ll ' +
    // de
    'der die das den dem des es er sie wir ich ihr ein eine einen dann aber und doch auch im am auf mit wenn als dies diese dieser dieses man nach zum zur bitte ja nein danach außerdem deshalb hier jetzt so zudem allerdings trotzdem ' +
    // fr
    'le la les il elle ils elles nous vous je un une des ce cette ces mais et puis alors donc dans en pour si quand oui non c\'est ensuite enfin cependant pourtant ici aujourd\'hui voici voilà ' +
    // es
    'el los las una es esto este esta pero y luego entonces por para cuando sí yo nosotros ellos ella él hay además sin también aquí ahora ' +
    // it
    'lo gli questo questa ma e poi quindi se io noi loro lei lui c\'è inoltre anche qui ora però ' +
    // pt
    'o os um isso mas depois então em eu nós eles ela ele há também aqui agora porém ' +
    // nl
    'de het een dit dat deze maar en dan ook op met als wij ik hij zij ze er nee daarna echter hier nu ' +
    // ru / uk
    'он она они мы я вы это но и а в на по для если когда да нет там так затем потом также однако ' +
    'він вона вони ми ти це але та і й у ' +
    // pl / cs
    'to ten ta ona oni my ja ale w po dla jeśli gdy tak nie jest potem jednak ' +
    'je se ale já ty on my vy pak proto také ' +
    // tr / id / sv
    'bu bir ve ama şimdi ini itu dan tetapi kami saya dia det den jag vi han hon men och så'
  ).split(/\s+/),
);

/** Month names (lower case), several languages. A number followed by ". Month" is a date. */
const MONTHS = new Set(
  (
    'january february march april may june july august september october november december ' +
    'januar februar märz april mai juni juli august september oktober november dezember jänner ' +
    'janvier février mars avril juin juillet août septembre octobre novembre décembre ' +
    'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre ' +
    'gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre ' +
    'janeiro fevereiro março maio junho julho setembro outubro novembro dezembro ' +
    'januari februari maart mei augustus ' +
    'stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia ' +
    'ledna února března dubna května června července srpna září října listopadu prosince ' +
    'tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta lokakuuta marraskuuta joulukuuta ' +
    'ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık ' +
    'jan feb mar apr jun jul aug sep sept oct okt nov dec dez'
  ).split(/\s+/),
);

/** Prepositions that open a fronted time or place phrase, per language (lower case). */
const PREPOSITIONS: Record<string, ReadonlySet<string>> = Object.fromEntries(
  Object.entries({
    en: 'at by before after until till around since from about near on in',
    de: 'um gegen ab bis seit vor nach am im',
    fr: 'à vers dès avant après depuis',
    es: 'a hacia desde hasta antes después',
    it: 'alle verso dalle fino prima dopo',
    pt: 'às até desde antes depois',
    nl: 'om tot vanaf sinds voor na',
  }).map(([k, v]) => [k, new Set(v.split(' '))]),
);
const ALL_PREPOSITIONS: ReadonlySet<string> = new Set(Object.values(PREPOSITIONS).flatMap((x) => [...x]));

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
