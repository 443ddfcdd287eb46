import { describe, expect, it } from 'vitest';

import { record, timings } from './perf';

describe('perf log', () => {
  it('keeps each timing with its duration, for the e2e run to read', () => {
    const before = timings().length;
    const timing = record('open-invoice', 100, 142.34);
    expect(timing).toEqual({ name: 'open-invoice', ms: 42.3, at: 142.34 });
    expect(timings().length).toBe(before + 1);
    expect((globalThis as { __backdeskPerf?: unknown[] }).__backdeskPerf?.at(-1)).toEqual(timing);
  });
});
