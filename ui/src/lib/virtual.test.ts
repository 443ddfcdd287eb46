import { describe, expect, it } from 'vitest';

import { scrollToShow, visibleRange } from './virtual';

describe('visibleRange', () => {
  it('renders only the rows in view plus the overscan', () => {
    const range = visibleRange(50000, 32, 32 * 1000, 640, 5);
    expect(range.start).toBe(995);
    expect(range.end).toBe(1000 + 21 + 5);
    expect(range.offset).toBe(995 * 32);
    expect(range.total).toBe(50000 * 32);
    expect(range.end - range.start).toBeLessThan(40);
  });

  it('clamps at both ends', () => {
    expect(visibleRange(10, 32, 0, 640, 5)).toEqual({ start: 0, end: 10, offset: 0, total: 320 });
    const bottom = visibleRange(1000, 32, 10 ** 9, 640, 0);
    expect(bottom.end).toBe(1000);
    expect(bottom.start).toBe(1000 - 20);
    expect(visibleRange(0, 32, 0, 640)).toEqual({ start: 0, end: 0, offset: 0, total: 0 });
  });
});

describe('scrollToShow', () => {
  it('scrolls just enough to show a row, and not at all when it is shown', () => {
    expect(scrollToShow(10, 32, 0, 640)).toBe(0);
    expect(scrollToShow(20, 32, 0, 640)).toBe(21 * 32 - 640);
    expect(scrollToShow(3, 32, 320, 640)).toBe(96);
  });
});
