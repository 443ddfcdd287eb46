// Reloads that events trigger in bursts (ingest's invoices_changed, the inbox's documents_changed): one run
// at a time, and exactly one more after it if any call arrived meanwhile.

/**
 * Wraps `run` so that a call while a run is in progress does not start a second one but asks for one more
 * run once the current one ends; a failure goes to `onError` and ends the loop.
 */
export function coalesced(run: () => Promise<void>, onError: (thrown: unknown) => void): () => Promise<void> {
  let running = false;
  let again = false;
  return async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await run();
      } while (again);
    } catch (thrown) {
      onError(thrown);
    } finally {
      running = false;
    }
  };
}
