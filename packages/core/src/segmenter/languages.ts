/**
 * Language data of the segmenter, one entry per language (primary subtag): abbreviations by how
 * a period after them behaves, abbreviations that are ordinary words elsewhere, languages that
 * write ordinals with a period, sentence starters, month names, prepositions of fronted phrases.
 * Pure data: the lookups are in `lang.ts`. Keys are lower case, without the final period, inner
 * periods kept ("e.g", "z.b", "т.д").
 * @internal
 */
import type { AbbrevClass } from './lang.js';

/** Abbreviations of one language, space-separated per class. @internal */
export type LangTable = Partial<Record<AbbrevClass, string>>;


/** Abbreviations per primary language subtag. Space-separated lists. */
/** @internal */
export const TABLES: Record<string, LangTable> = {
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
      'z.b d.h bzw vgl sog ggf evtl inkl exkl bspw u.u z.t o.ä s.o s.u i.d.r hr hrn fr frl dipl ing bzgl v.a z.zt u.v.m dt gegr mag',
    numeric: 'nr s abb kap bd tab abs art ziff tel str hnr pl',
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
  ca: { never: 'sr sra srta dr dra prof p.ex ex av', numeric: 'pàg núm n tel', suffix: 'etc aprox febr abr jul set oct nov des' },
  hr: { never: 'dr prof npr tj tzv mr ing sv ul', numeric: 'br str st', suffix: 'itd itsl god sl' },
  bs: { never: 'dr prof npr tj tzv mr ing ul', numeric: 'br str st', suffix: 'itd itsl god' },
  sr: { never: 'dr prof npr tj tzv ul др проф нпр тј тзв ул', numeric: 'br str бр стр', suffix: 'itd god č итд год ч' },
  sl: { never: 'dr prof npr t.i oz ga gos', numeric: 'št str', suffix: 'itd ipd' },
  lt: { never: 'dr prof pvz t.y p', numeric: 'nr psl', suffix: 'ir kt ir t.t m' },
  lv: { never: 'dr prof piem t.i', numeric: 'nr lpp', suffix: 'u.c utt g' },
  et: { never: 'dr prof nt nn hr pr', numeric: 'nr lk', suffix: 'jne jms a' },
  is: { never: 'dr prof t.d t.a.m', numeric: 'nr bls', suffix: 'o.s.frv o.fl' },
  af: { never: 'mnr mev me dr prof bv d.w.s', numeric: 'nr bl', suffix: 'ens' },
  sw: { never: 'bw bi dkt prof', numeric: 'uk', suffix: 'n.k k.m' },
  // Arabic script: single-letter abbreviations (Dr., Prof., page, volume, Hijri and Gregorian years)
  ar: { never: 'د أ أ.د م.د', numeric: 'ص ج ت', suffix: 'هـ ق.م' },
  fa: { never: 'د دکتر', numeric: 'ص ج', suffix: 'ق.م ه.ش ه.ق' },
  ur: { never: 'ڈاکٹر', numeric: 'ص' },
  he: { never: 'פרופ דר', numeric: 'עמ', suffix: 'וכו' },
  ka: { never: 'ე.ი ბ-ნი ქ-ნი', numeric: 'გვ', suffix: 'ა.შ' },
  bn: { never: 'ডা ড মো', suffix: 'খ্রি' },
  ta: { never: 'திரு திருமதி டாக்டர்' },
  // Danish, Norwegian, Swedish: Skt. (Sankt) before a name
};
for (const l of ['da', 'no', 'sv']) TABLES[l] = { ...TABLES[l], title: `${TABLES[l]?.title ?? ''} skt sct`.trim() };
TABLES['nb'] = TABLES['no'] as LangTable;
TABLES['nn'] = TABLES['no'] as LangTable;
TABLES['ms'] = TABLES['id'] as LangTable;

/**
 * Keys that are ordinary words in some language and therefore are used only when that language
 * is set explicitly (never in the all-language union used when no language is given).
 */
/** @internal */
export const LANG_ONLY: Record<string, ReadonlySet<string>> = {
  it: new Set(['es', 'on']),
  fr: new Set(['me', 'ex', 't', 'n', 'p', 'mm', 'pr']),
  pl: new Set(['al', 'ok', 'w', 'r', 'im', 'por', 'ks']),
  fi: new Set(['v', 'n', 's', 'mm']),
  tr: new Set(['vs', 'av', 'sn', 'org', 'd']),
  cs: new Set(['r', 's', 'st', 'pí', 'sl', 'ev']),
  sk: new Set(['r', 's', 'st']),
  de: new Set(['s', 'fr', 'hr', 'dt', 'str', 'abs', 'art', 'mag', 'pl']),
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
  lt: new Set(['p', 'm', 'ir kt', 'ir']),
  lv: new Set(['g']),
  et: new Set(['a', 'nt', 'nn', 'hr', 'pr']),
  af: new Set(['me', 'ens']),
  sw: new Set(['bi']),
  ca: new Set(['ex', 'n', 'av']),
  sl: new Set(['ga', 'oz']),
  hr: new Set(['sv', 'sl', 'st']),
  bs: new Set(['st']),
  sr: new Set(['st']),
  is: new Set(['nr']),
  es: new Set(['n', 'p']),
  pt: new Set(['n']),
  vi: new Set(['ts', 'bs', 'gs']),
};

/** Languages that write ordinal numbers as "3." ("am 3. Oktober", "3. sınıf"). */
/** @internal */
export const ORDINAL_LANGS = new Set([
  'de', 'da', 'nb', 'nn', 'no', 'fi', 'cs', 'sk', 'pl', 'hu', 'hr', 'sl', 'sr', 'bs', 'tr', 'is', 'et', 'lv', 'fo',
]);

/** Capitalized words that commonly begin a sentence (lower-cased), many languages. */
/** @internal */
export const STARTERS = new Set(
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
/** @internal */
export const MONTHS = new Set(
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
/** @internal */
export const PREPOSITIONS: Record<string, ReadonlySet<string>> = Object.fromEntries(
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
/** @internal */
export const ALL_PREPOSITIONS: ReadonlySet<string> = new Set(Object.values(PREPOSITIONS).flatMap((x) => [...x]));

