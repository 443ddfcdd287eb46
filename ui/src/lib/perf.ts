// Timings the e2e run reads: each interaction is measured from its start (a Performance API mark) to the
// next painted frame after its result is in the DOM, and kept in `window.__backdeskPerf`.

export interface Timing {
  name: string;
  ms: number;
  /** performance.now() when it ended. */
  at: number;
}

type PerfWindow = { __backdeskPerf?: Timing[] };

function log(): Timing[] {
  const host = globalThis as PerfWindow;
  host.__backdeskPerf ??= [];
  return host.__backdeskPerf;
}

/** Every timing recorded so far. */
export function timings(): readonly Timing[] {
  return log();
}

/** Records `name` as taking from `start` (a performance.now() value) until now. */
export function record(name: string, start: number, now: number = performance.now()): Timing {
  const timing = { name, ms: Math.round((now - start) * 10) / 10, at: now };
  log().push(timing);
  try {
    performance.measure(name, { start, end: now });
  } catch {
    // an engine without measure options still gets the log entry
  }
  return timing;
}

/** Resolves once the current frame has been painted. */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      setTimeout(resolve, 0);
    });
  });
}

/** Records `name` from `start` until the frame after the current one is painted. */
export function recordAfterPaint(name: string, start: number): Promise<Timing> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      // the first callback runs before the frame is painted; the next task runs after it
      setTimeout(() => resolve(record(name, start)), 0);
    });
  });
}
