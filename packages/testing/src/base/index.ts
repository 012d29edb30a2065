export * from './pcm.js';
export * from './faults.js';
export * from './recorder.js';
export * from './server.js';
export * from './chunks.js';
export * from './heard.js';
