/**
 * The scale bench's replies: conversational sentences, LLM-like tokens, and the seeded random numbers
 * that make both engines' runs speak the same text at the same token times.
 */

/** Conversational sentences, 25–60 characters; numbers, times and abbreviations included. */
const SENTENCES = [
  'Sure, I can help you with that.',
  'Your order shipped this morning.',
  'It should arrive by Thursday afternoon.',
  'The train leaves at 9:45 from platform two.',
  'Dr. Patel has an opening at 3 p.m. tomorrow.',
  'That comes to $42.50, taxes included.',
  'Would you like me to book it for you?',
  'The forecast says light rain until noon.',
  'I found three flights under five hundred dollars.',
  'The cheapest one has a short layover in Denver.',
  'Your balance is 1,284 dollars and 16 cents.',
  'Let me check that for you.',
  'The meeting moved to Friday at 10 a.m.',
  'I have added it to your calendar.',
  'Most users finish the setup in about ten minutes.',
  'First, open the settings page.',
  'Then choose the account you want to link.',
  'If that fails, restart the app and try again.',
  'The warranty covers parts and labor for two years.',
  'Shipping is free on orders over fifty dollars.',
  'I am sorry, that item is out of stock.',
  'A similar model is available in blue.',
  'The museum opens at nine and closes at six.',
  'Tickets are 18 euros for adults.',
  'Is there anything else I can do for you?',
  'Great, you are all set.',
  'The report is due on the 14th of March.',
  'Your password was changed successfully.',
  'The nearest pharmacy is two blocks north.',
  'It is open until midnight on weekdays.',
];

/** mulberry32: small, fast, seeded. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function replyText(random: () => number, min: number, max: number): string {
  const count = min + Math.floor(random() * (max - min + 1));
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(SENTENCES[Math.floor(random() * SENTENCES.length)] as string);
  return out.join(' ');
}

/** LLM-like tokens: words with their leading space, punctuation apart, long words in two (~4.5 characters). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const m of text.matchAll(/\s*[A-Za-z']+|\s*\d+|\s*[^\sA-Za-z\d']|\s+/g)) {
    const token = m[0];
    if (token.trim().length > 6) {
      const cut = Math.ceil(token.length / 2);
      tokens.push(token.slice(0, cut), token.slice(cut));
    } else tokens.push(token);
  }
  return tokens;
}
