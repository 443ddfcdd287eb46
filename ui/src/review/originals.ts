// The originals of the invoices next to the one under review, fetched while the reader reads: the bytes
// and word boxes of a few invoices kept (the most recently asked first out when full), so `j` shows the
// next document without asking the shell. Failed loads are not kept, so a retry asks again.

/** An original as the review pane shows it. */
export interface Original<Info, Words> {
  info: Info;
  bytes: ArrayBuffer;
  words: Words;
}

/** A small cache of pending or finished loads by invoice id, oldest use dropped first. */
export class OriginalCache<T> {
  readonly #entries = new Map<number, Promise<T>>();

  constructor(
    private readonly fetch: (id: number) => Promise<T>,
    private readonly capacity = 5,
  ) {}

  /** The original of invoice `id`: the cached load, or a new one. */
  get(id: number): Promise<T> {
    let pending = this.#entries.get(id);
    if (pending) {
      // most recently used last
      this.#entries.delete(id);
    } else {
      pending = this.fetch(id);
      pending.catch(() => {
        if (this.#entries.get(id) === pending) this.#entries.delete(id);
      });
    }
    this.#entries.set(id, pending);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as number;
      this.#entries.delete(oldest);
    }
    return pending;
  }

  /** Whether invoice `id`'s original is held (loading or loaded). */
  has(id: number): boolean {
    return this.#entries.has(id);
  }

  /** Drops everything (the core changed invoices: an original's words may be new). */
  clear(): void {
    this.#entries.clear();
  }
}
