// Waiting for a pause in typing before doing the work it asks for (a search as you type).

/** How long typing must pause before a search runs. */
export const TYPING_PAUSE_MS = 120;

export interface Debouncer {
  /** Runs `work` after the pause, cancelling work asked for earlier and not yet run. */
  run(work: () => void): void;
  /** Cancels the work waiting, if any. */
  cancel(): void;
}

/** A debouncer with a pause of `ms` milliseconds. */
export function debouncer(ms: number = TYPING_PAUSE_MS): Debouncer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    run(work) {
      clearTimeout(timer);
      timer = setTimeout(work, ms);
    },
    cancel() {
      clearTimeout(timer);
    },
  };
}
