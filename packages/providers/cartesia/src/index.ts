/** @packageDocumentation `@utter/cartesia` (work in progress). */
export {};
