// A placeholder of the Node snippets that the DOM library declares differently (window.prompt): see prelude.ts.
declare global {
  /** A prompt. */
  var prompt: string;
}

export {};
