import { describe, expect, it } from 'vitest';
import { chunkings, feed } from './test-helpers.js';
import type { SegmenterOptions } from './types.js';

/**
 * Table of cases in 'sentence' granularity. `|` marks the expected cuts; the text is the case
 * with the bars removed. Every case runs on four chunkings (whole, characters, LLM-like tokens,
 * random sizes) and must give the same segments.
 */
type Case = readonly [name: string, marked: string, options?: SegmenterOptions];

const english: Case[] = [
  ['period + space', 'Hello world. |How are you?'],
  ['question and exclamation', 'Really? |Yes! |Great.'],
  ['runs of terminals', 'What?! |No way!!! |Okay?!?'],
  ['ellipsis before capital', 'I see... |Then we go.'],
  ['ellipsis before lower case', 'Well... maybe later.'],
  ['unicode ellipsis', 'Hmm… |Let me think.'],
  ['closing quote', 'He said "Stop." |Then he left.'],
  ['closing quote then lower case', '"Stop!" she said. |Fine.'],
  ['closing bracket', 'It works (mostly.) |Next point.'],
  ['markdown emphasis after period', '**This is important.** |Read it twice.'],
  ['title Dr.', 'Dr. Smith arrived. |He sat down.'],
  ['titles Mr. Mrs. Prof.', 'Mr. and Mrs. Jones met Prof. Brown. |They talked.'],
  ['e.g. and i.e.', 'Use fruit, e.g. apples, i.e. Red ones. |Done.'],
  ['vs. and cf.', 'Cats vs. Dogs is old. |See cf. Smith.'],
  ['initials', 'J. R. R. Tolkien wrote it. |He was British.'],
  ['initial then name', 'The book by J. Smith is good.'],
  ['vitamin C then sentence', 'Take vitamin C. |It helps.'],
  ['Inc. before lower case', 'Acme Inc. products are great. |Buy them.'],
  ['Inc. at sentence end', 'I work at Acme Inc. |The pay is fine.'],
  ['etc. mid sentence', 'Apples, pears, etc. are fruit. |Yes.'],
  ['etc. at end', 'Apples, pears, etc. |They are fruit.'],
  ['U.S. Army', 'The U.S. Army is large. |It is old.'],
  ['U.S. at end', 'He moved to the U.S. |The weather was nice.'],
  ['a.m. before lower case', 'Meet at 10:30 a.m. tomorrow. |Bring coffee.'],
  ['p.m. at end', 'The show starts at 8 p.m. |Be on time.'],
  ['month abbreviation + number', 'It starts Jan. 15, 2025. |Sign up now.'],
  ['weekday then month', 'The meeting is on Mon. Jan. 6th. |See you.'],
  ['No. before a number', 'Item No. 5 is sold. |No. |I said no.'],
  ['Fig. and pp.', 'See Fig. 3 and pp. 12-15 for details. |Thanks.'],
  ['decimal number', 'Pi is 3.14 roughly. |Nice.'],
  ['thousands and decimals', 'It costs 1,000.50 dollars. |Or $3.50 each. |Growth was 2.4% last year.'],
  ['number at sentence end', 'I counted to 42. |Then I stopped.'],
  ['year at sentence end', 'It happened in 2024. |We remember.'],
  ['version numbers', 'Install v1.2.3 now. |Version 2.0.1 is next.'],
  ['URL', 'Visit https://example.com/a?b=1&c=2. |Then log in.'],
  ['URL with exclamation', 'Open https://x.com/#!/home please. |Ok.'],
  ['bare domain', 'Go to example.com for info. |Or example.org.'],
  ['e-mail', 'Write to john.doe@example.co.uk today. |Thanks.'],
  ['file names', 'Edit config.json and index.ts first. |Then run .env.local checks.'],
  ['file name at end', 'Open the file README.md. |It explains.'],
  ['inline code', 'Run `npm run build. --prod` now. |Done.'],
  ['inline code with question mark', 'Call `isReady? ` first. |Then go.'],
  ['SSML break tag', 'Wait <break time="1.5s"/> here. |Go.'],
  ['SSML closing tag after period', '<speak>Hello there.</speak> |Next one.'],
  ['list numbers at line start', '1. First item\n|2. Second item\n|3. Third item'],
  ['inline enumeration after colon', 'Steps: 1. Open it. |2. Close it.'],
  ['heading line', '# Getting started\n|Install it. |Then run it.'],
  ['bullet list', 'Here:\n|- apples\n|- pears\n|Done.'],
  ['paragraphs', 'First paragraph\n\n|Second paragraph'],
  ['soft line break', 'This line wraps\nin the middle. |Next.'],
  ['line ending with colon', 'Note:\n|Be careful.'],
  ['fenced code block', 'Example:\n|```js\nconst a = 1. b = 2;\nfoo()? bar!\n```\n|After.'],
  ['tilde fence', '~~~\nx. Y\n~~~\n|Ok.'],
  ['abbreviation then newline', 'We sell apples, pears etc.\n|New line here.'],
  ['exclamation inside word', 'Yahoo!Mail is old. |Ok.'],
  ['question inside URL path', 'See https://a.io/?q=what?x=1 now. |Ok.'],
  ['approx. and ca.', 'It takes approx. 5 minutes. |Or ca. 10.'],
  ['St. before a name', 'We visited St. Louis last year. |It was hot.'],
  ['Jr. before lower case', 'Martin Luther King Jr. was a leader. |He spoke.'],
  ['Ph.D.', 'She has a Ph.D. in physics. |Wow.'],
  ['quoted abbreviation', 'Say "Dr. Who" loudly. |Ok.'],
  ['double space', 'One.  |Two.'],
  ['CRLF', 'Line one.\r\n|Line two.'],
  ['html comment', 'Text <!-- a. B --> more. |End.'],
  ['a < b is not a tag', 'Check if a < b. |Then stop.'],
  ['emoji after sentence', 'Great job! |🎉 Keep going.'],
];

const otherLanguages: Case[] = [
  ['de: abbreviations', 'Das ist z.B. ein Test. |Er kommt ca. um 5 Uhr. |Siehe S. 12 usw. |Danke.', { language: 'de' }],
  ['de: ordinal date', 'Am 3. Oktober ist Feiertag. |Der 2. Weltkrieg endete 1945. |Gut.', { language: 'de' }],
  ['de: Nr. and bzw.', 'Haus Nr. 5 bzw. Nr. 7 ist frei. |Ruf an.', { language: 'de' }],
  ['de: number at end', 'Es kostet 5. |Dann gehen wir.', { language: 'de' }],
  ['de without language', 'Das ist z.B. gut. |Am 3. Oktober ist Feiertag. |Ja.'],
  ['fr: guillemets', 'Il a dit « Bonjour. » |Puis il est parti.', { language: 'fr' }],
  ['fr: space before !', 'Quelle surprise ! |On y va ?', { language: 'fr' }],
  ['fr: M. and Mme', 'M. Dupont et Mme Martin sont là. |Bienvenue.', { language: 'fr' }],
  ['fr: etc.', 'Des pommes, des poires, etc. |Voilà.', { language: 'fr' }],
  ['es: inverted marks', '¿Qué tal? |¡Muy bien! |Gracias.', { language: 'es' }],
  ['es: Sr. and Dra.', 'El Sr. García y la Dra. López llegaron. |Bien.', { language: 'es' }],
  ['es: p. ej.', 'Frutas, p. ej. manzanas, son sanas. |Sí.', { language: 'es' }],
  ['it: Sig. and Dott.', 'Il Sig. Rossi e il Dott. Bianchi sono qui. |Ciao.', { language: 'it' }],
  ['it: ecc.', 'Mele, pere ecc. sono frutti. |Bene.', { language: 'it' }],
  ['pt: Sr. and Dra.', 'O Sr. Silva e a Dra. Costa chegaram. |Ótimo.', { language: 'pt' }],
  ['nl: bijv. and dhr.', 'Fruit, bijv. appels, is gezond. |Dhr. Jansen komt. |Goed.', { language: 'nl' }],
  ['ru: т.е. and г.', 'Это важно, т.е. нужно. |В 2020 г. он уехал. |Хорошо.', { language: 'ru' }],
  ['ru: и т. д.', 'Яблоки, груши и т. д. |Всё.', { language: 'ru' }],
  ['ru: question', 'Как дела? |Отлично!'],
  ['pl: np. and itd.', 'Owoce, np. jabłka, są zdrowe. |Jabłka, gruszki itd. |Dobrze.', { language: 'pl' }],
  ['uk: basic', 'Привіт. |Як справи?'],
  ['zh: full stops', '你好。|我是小明！|你呢？|很好。'],
  ['zh: quotes around stop', '他说：“你好。”|然后走了。'],
  ['zh: ascii question mark', '真的吗?|是的。'],
  ['ja: stops and brackets', '今日は晴れです。|「本当？」|はい。'],
  ['ja: ellipsis stays', 'えっと……そうですね。|はい。'],
  ['ko: spaces and periods', '안녕하세요. |반갑습니다! |네?'],
  ['hi: danda', 'नमस्ते। |आप कैसे हैं? |मैं ठीक हूँ॥'],
  ['ar: question mark', 'مرحبا؟ |كيف حالك. |جيد!'],
  ['ur: full stop', 'یہ اچھا ہے۔ |شکریہ۔'],
  ['fa: question', 'حالت چطوره؟ |خوبم.'],
  ['el: question mark ;', 'Τι κάνεις; |Καλά. |Εσύ;'],
  ['el: Greek question mark', 'Πού είσαι\u037e |Εδώ.'],
  ['he: basic', 'שלום. |מה שלומך?'],
  ['th: spaces', 'สวัสดีครับ |วันนี้อากาศดี'],
  ['tr: ordinal', 'Ali 3. sınıfta. |Ayşe 5. Gün geldi.', { language: 'tr' }],
  ['hy: full stop', 'Բարեւ։ |Ինչպես ես։'],
  ['mixed scripts', 'Hello. |你好。|Bonjour ! |Hola.'],
];

function run(cases: Case[]): void {
  for (const [name, marked, options] of cases) {
    const text = marked.replaceAll('|', '');
    const expected = marked.split('|');
    for (const [how, chunks] of chunkings(text)) {
      it(`${name} (${how})`, () => {
        const segments = feed(chunks, { granularity: 'sentence', ...options }).map((s) => s.text);
        expect(segments.join('')).toBe(text);
        // Trailing whitespace goes with the segment it follows as far as it has arrived when the
        // boundary is released, so compare without surrounding whitespace.
        const norm = (list: string[]): string[] => list.map((t) => t.trim()).filter((t) => t.length > 0);
        expect(norm(segments)).toEqual(norm(expected));
      });
    }
  }
}

describe('sentence boundaries: English and markup', () => run(english));
describe('sentence boundaries: other languages', () => run(otherLanguages));
