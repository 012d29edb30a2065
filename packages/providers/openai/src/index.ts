/** @packageDocumentation `@utter/openai` (work in progress). */
export {};
