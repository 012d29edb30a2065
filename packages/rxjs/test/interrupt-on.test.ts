import { describe, expect, it } from 'vitest';
import { Observable, of } from 'rxjs';
import type { SpeechEvent } from '@utter/core';
import { interruptOn } from '../src/index.js';
import { registerControlled } from '../src/internal/control.js';
import type { ControlledFactory } from '../src/internal/control.js';
import { audioEvent, endEvent, interruptedEvent, segmentEvent, testScheduler } from './helpers.js';

/**
 * A stand-in for speak()'s output in virtual time: plays `events`, and on interrupt() emits
 * `interrupted` and completes, as the session engine's contract says. The real session is exercised
 * in speak.test.ts.
 */
function controlledSpeech(events: Observable<SpeechEvent>, log: string[], singleReply = true): Observable<SpeechEvent> {
  const factory: ControlledFactory = (onControl) =>
    new Observable<SpeechEvent>((subscriber) => {
      const inner = events.subscribe({
        next: (e) => subscriber.next(e),
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      onControl({
        singleReply,
        reportPlayback: () => undefined,
        interrupt: () => {
          log.push('interrupt');
          inner.unsubscribe();
          subscriber.next(interruptedEvent('Hello'));
          subscriber.complete();
        },
      });
      return inner;
    });
  return registerControlled(factory(() => undefined), factory);
}

const values = { s: segmentEvent('Hello there.'), a: audioEvent(1), b: audioEvent(2), e: endEvent('Hello there.'), i: interruptedEvent('Hello') };

describe('interruptOn()', () => {
  it('interrupts on the trigger: interrupted event, no audio after, source finalized, trigger unsubscribed', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const log: string[] = [];
      const events = cold('-s-a-a-b-b-e|', values);
      const trigger = hot('------x------');
      expectObservable(controlledSpeech(events, log).pipe(interruptOn(trigger))).toBe('-s-a-a(i|)', values);
      expectSubscriptions(events.subscriptions).toBe('^-----!');
      expectSubscriptions(trigger.subscriptions).toBe('^-----!');
    });
  });

  it('passes everything through and completes with the speech when the trigger stays silent', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const trigger = cold('-------');
      expectObservable(controlledSpeech(cold('-s-a-e|', values), []).pipe(interruptOn(trigger))).toBe('-s-a-e|', values);
      expectSubscriptions(trigger.subscriptions).toBe('^-----!');
    });
  });

  it('forwards errors of the speech and of the trigger', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(controlledSpeech(cold('-s-#', values), []).pipe(interruptOn(cold('-----')))).toBe('-s-#', values);
      const events = cold('-s-a-a-e|', values);
      expectObservable(controlledSpeech(events, []).pipe(interruptOn(cold('--#')))).toBe('-s#', values);
      expectSubscriptions(events.subscriptions).toBe('^-!');
    });
  });

  it('unsubscribing reaches the speech and the trigger', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const events = cold('-s-a-a-a-e|', values);
      const trigger = hot('-----------');
      expectObservable(controlledSpeech(events, []).pipe(interruptOn(trigger)), '^---!').toBe('-s-a', values);
      expectSubscriptions(events.subscriptions).toBe('^---!');
      expectSubscriptions(trigger.subscriptions).toBe('^---!');
    });
  });

  it('chains: a second interruptOn reaches the same session', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const log: string[] = [];
      const speech = controlledSpeech(cold('-s-a-a-a-e|', values), log);
      const out = speech.pipe(interruptOn(hot('---------')), interruptOn(hot('----x')));
      expectObservable(out).toBe('-s-a(i|)', values);
    });
  });

  it('drops sound events of an interrupted reply that the engine still lets through', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      // a "late" engine: keeps emitting audio for a while after interrupt(), then interrupted
      const factory: ControlledFactory = (onControl) =>
        new Observable<SpeechEvent>((subscriber) => {
          let stopping = false;
          const sub = cold('-s-a-a-b-b-i|', values).subscribe({
            next: (e) => (stopping && e.type === 'utterance-end' ? undefined : subscriber.next(e)),
            complete: () => subscriber.complete(),
          });
          onControl({ singleReply: true, reportPlayback: () => undefined, interrupt: () => (stopping = true) });
          return sub;
        });
      const speech = registerControlled(factory(() => undefined), factory);
      expectObservable(speech.pipe(interruptOn(hot('----x')))).toBe('-s-a-------i|', values);
    });
  });

  it('errors with invalid-input when not piped right after speak()', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(of(values.s).pipe(interruptOn(of(1)))).toBe('#', undefined, expect.objectContaining({ code: 'invalid-input' }));
    });
  });
});
