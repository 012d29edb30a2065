/** @packageDocumentation `@utter/elevenlabs` (work in progress). */
export {};
