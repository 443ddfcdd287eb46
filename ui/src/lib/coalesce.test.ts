import { describe, expect, it } from 'vitest';

import { coalesced } from './coalesce';

describe('coalesced', () => {
  it('runs once at a time and once more for any number of calls made meanwhile', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const reload = coalesced(
      () => {
        runs += 1;
        return new Promise<void>((resolve) => (release = resolve));
      },
      () => {},
    );
    const first = reload();
    void reload();
    void reload();
    expect(runs).toBe(1);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(runs).toBe(2);
    release();
    await first;
    expect(runs).toBe(2);
  });

  it('hands a failure to onError and can run again afterwards', async () => {
    const errors: unknown[] = [];
    let fail = true;
    let runs = 0;
    const reload = coalesced(
      async () => {
        runs += 1;
        if (fail) throw new Error('offline');
      },
      (thrown) => errors.push(thrown),
    );
    await reload();
    expect(errors).toHaveLength(1);
    fail = false;
    await reload();
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
