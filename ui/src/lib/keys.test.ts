import { describe, expect, it } from 'vitest';

import { SHORTCUTS, actionFor } from './keys';

const press = (key: string, patch: Partial<Parameters<typeof actionFor>[0]> = {}) =>
  actionFor({ key, ctrlKey: false, metaKey: false, altKey: false, inTextField: false, ...patch });

describe('actionFor', () => {
  it('maps the documented keys', () => {
    expect(press('j')).toBe('next');
    expect(press('k')).toBe('previous');
    expect(press('a')).toBe('approve');
    expect(press('r')).toBe('reject');
    expect(press('e')).toBe('edit');
    expect(press('/')).toBe('search');
    expect(press('?')).toBe('help');
    expect(press('x')).toBeNull();
  });

  it('leaves typing and modified keys alone, except Escape in a field', () => {
    expect(press('a', { inTextField: true })).toBeNull();
    expect(press('Escape', { inTextField: true })).toBe('close');
    expect(press('a', { ctrlKey: true })).toBeNull();
    expect(press('j', { metaKey: true })).toBeNull();
  });

  it('has one action per key', () => {
    const keys = SHORTCUTS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
