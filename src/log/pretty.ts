/**
 * `--log-format pretty`: turns one JSON log line into `<ts> LEVEL msg key=value ...` for people.
 * Runs synchronously in the write path (pino-pretty would add a worker thread and reorder output
 * against stderr writes made elsewhere); pretty output is for a terminal, not for volume.
 */
type Fields = Record<string, unknown>;

export function formatPrettyLine(jsonLine: string): string {
  let record: Fields;
  try {
    record = JSON.parse(jsonLine) as Fields;
  } catch {
    return jsonLine;
  }
  const { ts, level, msg, ...fields } = record;
  const parts = [String(ts), String(level).toUpperCase().padEnd(5), String(msg ?? '')];
  for (const [key, value] of Object.entries(fields)) parts.push(`${key}=${prettyValue(value)}`);
  return parts.join(' ') + '\n';
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string' && /^[^\s"=]+$/.test(value)) return value;
  if (value !== null && typeof value === 'object' && typeof (value as Fields)['stack'] === 'string') {
    return JSON.stringify((value as Fields)['stack']);
  }
  return JSON.stringify(value) ?? 'undefined';
}
