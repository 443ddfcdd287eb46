// The acting person: chosen from the people on file and remembered between starts (per workspace).

import type { Person } from './types';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storageKey(dataDir: string): string {
  return `backdesk.acting-person:${dataDir}`;
}

/** The remembered person if still on file, else the only person, else nobody. */
export function rememberedPerson(people: readonly Person[], dataDir: string, store: KeyValueStore | null): Person | null {
  const name = store?.getItem(storageKey(dataDir)) ?? null;
  const remembered = people.find((person) => person.name === name);
  if (remembered) return remembered;
  return people.length === 1 ? (people[0] ?? null) : null;
}

export function rememberPerson(person: Person, dataDir: string, store: KeyValueStore | null): void {
  store?.setItem(storageKey(dataDir), person.name);
}

/** localStorage when the page has one (the tests pass their own store). */
export function browserStore(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
