/** One turn of the transcript; an assistant turn shows heard, current and not-yet-heard text. */
import type { InterruptedMessage, WordMessage } from '@utter/web';

/** A transcript bubble. */
export class Turn {
  private readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private text = '';
  private heardEnd = 0;
  private current: { start: number; end: number } | undefined;

  constructor(parent: HTMLElement, who: 'user' | 'assistant') {
    const el = document.createElement('div');
    el.className = `turn ${who}`;
    const label = document.createElement('div');
    label.className = 'who';
    label.textContent = who === 'user' ? 'You' : 'Assistant';
    this.body = document.createElement('div');
    this.body.className = 'body';
    el.append(label, this.body);
    parent.append(el);
    this.el = el;
    el.scrollIntoView({ block: 'end' });
  }

  /** Plain text (user turns). */
  setPlain(text: string): void {
    this.body.textContent = text;
  }

  /** A segment arrived: its text is shown as not yet heard. */
  addText(start: number, text: string): void {
    this.text = this.text.slice(0, start).padEnd(start, ' ') + text;
    this.render();
  }

  /** A word is being heard. */
  highlight(word: WordMessage): void {
    if (word.start === undefined || word.end === undefined) return;
    this.heardEnd = Math.max(this.heardEnd, word.start);
    this.current = { start: word.start, end: word.end };
    this.render();
  }

  /** The reply played to its end. */
  finish(): void {
    this.heardEnd = this.text.length;
    this.current = undefined;
    this.render();
  }

  /** The reply was interrupted: show what was heard, strike the rest. */
  interrupted(event: InterruptedMessage): void {
    this.current = undefined;
    this.body.replaceChildren(
      this.span(event.spokenText, ''),
      this.span(this.text.slice(event.spokenEnd), 'unheard'),
    );
    const note = document.createElement('div');
    note.className = 'note';
    note.dataset['spoken'] = event.spokenText;
    note.textContent = `Interrupted after ${(event.playedMs / 1000).toFixed(2)} s. Heard: “${event.spokenText.trim()}”`;
    this.body.append(note);
    this.el.scrollIntoView({ block: 'end' });
  }

  private span(text: string, className: string): HTMLSpanElement {
    const span = document.createElement('span');
    if (className) span.className = className;
    span.textContent = text;
    return span;
  }

  private render(): void {
    this.el.scrollIntoView({ block: 'end' });
    const cur = this.current;
    if (!cur) {
      this.body.replaceChildren(this.span(this.text.slice(0, this.heardEnd), ''), this.span(this.text.slice(this.heardEnd), 'pending'));
      return;
    }
    this.body.replaceChildren(
      this.span(this.text.slice(0, cur.start), ''),
      this.span(this.text.slice(cur.start, cur.end), 'current'),
      this.span(this.text.slice(cur.end), 'pending'),
    );
  }
}
