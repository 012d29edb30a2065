/** @packageDocumentation `@utter/web` (work in progress). */
export {};
