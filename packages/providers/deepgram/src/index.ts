/** @packageDocumentation `@utter/deepgram` (work in progress). */
export {};
