import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { debouncer } from './debounce';

describe('debouncer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs only the last work asked for, once the pause has passed', () => {
    const ran: string[] = [];
    const typing = debouncer(120);
    typing.run(() => ran.push('a'));
    vi.advanceTimersByTime(100);
    typing.run(() => ran.push('ab'));
    vi.advanceTimersByTime(119);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual(['ab']);
  });

  it('runs nothing once cancelled', () => {
    const ran: string[] = [];
    const typing = debouncer(120);
    typing.run(() => ran.push('a'));
    typing.cancel();
    vi.advanceTimersByTime(500);
    expect(ran).toEqual([]);
  });
});
