import { describe, expect, it } from 'vitest';

import { OriginalCache } from './originals';

describe('OriginalCache', () => {
  it('asks the shell once per invoice while it is held', async () => {
    const asked: number[] = [];
    const cache = new OriginalCache(async (id: number) => (asked.push(id), `original ${id}`), 3);
    expect(await cache.get(1)).toBe('original 1');
    expect(await cache.get(1)).toBe('original 1');
    expect(asked).toEqual([1]);
  });

  it('drops the least recently used when full', async () => {
    const asked: number[] = [];
    const cache = new OriginalCache(async (id: number) => (asked.push(id), id), 2);
    await cache.get(1);
    await cache.get(2);
    await cache.get(1); // 1 used again: 2 is now the oldest
    await cache.get(3);
    expect([cache.has(1), cache.has(2), cache.has(3)]).toEqual([true, false, true]);
    await cache.get(2);
    expect(asked).toEqual([1, 2, 3, 2]);
  });

  it('does not keep a failed load, so the next ask tries again', async () => {
    let fail = true;
    const cache = new OriginalCache(async (id: number) => {
      if (fail) throw new Error('the shell is busy');
      return id;
    });
    await expect(cache.get(7)).rejects.toThrow('busy');
    await Promise.resolve();
    expect(cache.has(7)).toBe(false);
    fail = false;
    expect(await cache.get(7)).toBe(7);
  });

  it('forgets everything when cleared', async () => {
    const cache = new OriginalCache(async (id: number) => id);
    await cache.get(1);
    cache.clear();
    expect(cache.has(1)).toBe(false);
  });
});
