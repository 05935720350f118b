// The same stacks as `--sans` and `--mono` in `app.css`: the chart measures its text in them.

/** Proportional text: state names. */
export const SANS =
  'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif';
/** Fixed-width text: event names, ids, numbers. */
export const MONO =
  'ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';

/** Font of a state's name in the chart. */
export const STATE_FONT = `12px ${SANS}`;
/** Font of a transition's label in the chart. */
export const LABEL_FONT = `11px ${MONO}`;
