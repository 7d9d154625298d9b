/**
 * One structured JSON line per request. Tokens and secrets never reach it: only the route
 * template (not the raw path, which holds the inventory token) and the tenant id are logged.
 */
export type LogLine = Record<string, unknown>;
type Sink = (line: LogLine) => void;

const stdoutSink: Sink = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
let sink: Sink = process.env.ALLOT_LOG === 'off' ? () => {} : stdoutSink;

export function log(line: LogLine): void {
  sink(line);
}

/** Tests capture log lines through this. Returns a function restoring the previous sink. */
export function setLogSink(next: Sink): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}
