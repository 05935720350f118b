/** A task that runs at most once at a time, however often it is asked for. */
export interface Coalesced {
  /** Asks for a run: starts one now if idle, otherwise one more after the current run. */
  request(): void;
  /** Drops any trailing run; the one in flight finishes but nothing new starts. */
  cancel(): void;
}

/**
 * Collapses bursts of requests for `task` into one run in flight plus one trailing run, so a storm of
 * transitions costs two fetches, not hundreds, and the last answer is never older than the last
 * request.
 *
 * @example
 * const refresh = coalesce(async () => (tree = await fetchSystem()));
 * stream.on('transition', () => refresh.request());
 */
export function coalesce(task: () => Promise<void>): Coalesced {
  let running = false;
  let again = false;
  let cancelled = false;

  const run = (): void => {
    running = true;
    again = false;
    task()
      .catch(() => undefined) // the task reports its own errors; a failure must not stop later runs
      .finally(() => {
        running = false;
        if (again && !cancelled) run();
      });
  };

  return {
    request() {
      cancelled = false;
      if (running) again = true;
      else run();
    },
    cancel() {
      cancelled = true;
      again = false;
    },
  };
}
