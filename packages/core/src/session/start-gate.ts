/**
 * Spreads reply starts over event-loop turns. Starting a reply (reading its input, opening or reusing
 * a connection) costs a fraction of a millisecond; hundreds of sessions answering in the same tick
 * would hold the thread for a hundred milliseconds while running replies' audio waits. Within one
 * turn, starts run at once until they have used {@link TURN_BUDGET_MS} of the thread; the rest run
 * in the next turns, in order, each after the I/O that was waiting. A single start never waits.
 * @internal
 */

/** Thread time reply starts may take in one turn, in ms. */
export const TURN_BUDGET_MS = 2;

const clock: () => number = typeof performance !== 'undefined' ? () => performance.now() : () => Date.now();
const nextTurn: (run: () => void) => void =
  typeof setImmediate === 'function' ? (run) => void setImmediate(run) : (run) => void setTimeout(run, 0);

const waiting: Array<() => void> = [];
let spent = 0;
let resetQueued = false;
let turnQueued = false;

/** Runs `start` now when this turn's budget allows and nothing waits, else in a later turn. */
export function startSoon(start: () => void): void {
  if (waiting.length === 0 && spent < TURN_BUDGET_MS) return run(start);
  waiting.push(start);
  queueTurn();
}

function run(start: () => void): void {
  if (!resetQueued) {
    resetQueued = true;
    // The budget is per turn: it resets once the current synchronous stretch is over.
    queueMicrotask(() => {
      resetQueued = false;
      spent = 0;
    });
  }
  const t0 = clock();
  try {
    start();
  } finally {
    spent += clock() - t0;
  }
}

function queueTurn(): void {
  if (turnQueued) return;
  turnQueued = true;
  nextTurn(() => {
    turnQueued = false;
    spent = 0;
    try {
      while (waiting.length > 0 && spent < TURN_BUDGET_MS) run(waiting.shift() as () => void);
    } finally {
      // A start that threw (a bug) still surfaces, but never strands the starts behind it.
      if (waiting.length > 0) queueTurn();
    }
  });
}
