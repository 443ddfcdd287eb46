import { describe, expect, it } from 'vitest';

import { boxContains, boxToCss, fitScale } from './geometry';

describe('boxToCss', () => {
  it('flips the y axis (points from the bottom) into pixels from the top, scaled', () => {
    // a word at x 72..112, y 718..730 on an A4 page (842 pt high) drawn at 1.5 px/pt
    expect(boxToCss([72, 718, 112, 730], 842, 1.5)).toEqual({ left: 108, top: 168, width: 60, height: 18 });
  });

  it('accepts boxes given with their corners swapped', () => {
    expect(boxToCss([112, 730, 72, 718], 842, 1)).toEqual(boxToCss([72, 718, 112, 730], 842, 1));
  });
});

describe('fitScale and boxContains', () => {
  it('fits the page width into the space available', () => {
    expect(fitScale(595, 892.5)).toBe(1.5);
    expect(fitScale(595, 10)).toBe(0.25);
    expect(fitScale(0, 500)).toBe(1);
  });

  it('finds whether a point lies in a box, with slack', () => {
    expect(boxContains([10, 10, 20, 20], 15, 15)).toBe(true);
    expect(boxContains([10, 10, 20, 20], 21, 15)).toBe(false);
    expect(boxContains([10, 10, 20, 20], 21, 15, 2)).toBe(true);
  });
});
