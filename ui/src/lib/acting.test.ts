import { describe, expect, it } from 'vitest';

import { rememberPerson, rememberedPerson, type KeyValueStore } from './acting';
import type { Person } from './types';

function memory(): KeyValueStore {
  const values = new Map<string, string>();
  return { getItem: (k) => values.get(k) ?? null, setItem: (k, v) => void values.set(k, v) };
}

const ann: Person = { name: 'Ann', role: 'manager', approval_limit: null };
const bob: Person = { name: 'Bob', role: 'clerk', approval_limit: '500' };

describe('acting person', () => {
  it('remembers the choice per workspace', () => {
    const store = memory();
    expect(rememberedPerson([ann, bob], '/w1', store)).toBeNull();
    rememberPerson(bob, '/w1', store);
    expect(rememberedPerson([ann, bob], '/w1', store)).toEqual(bob);
    expect(rememberedPerson([ann, bob], '/w2', store)).toBeNull();
  });

  it('forgets someone no longer on file, and picks the only person', () => {
    const store = memory();
    rememberPerson(bob, '/w', store);
    expect(rememberedPerson([ann], '/w', store)).toEqual(ann);
    expect(rememberedPerson([], '/w', store)).toBeNull();
    expect(rememberedPerson([ann, bob], '/w', null)).toBeNull();
  });
});
