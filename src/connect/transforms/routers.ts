/** Topic-renaming SMTs: TimestampRouter and RegexRouter, as Kafka's. */
import type { ConnectRecord } from '../api.js';
import { ConnectConfigError } from '../api.js';
import { type Transformation, required } from './transformation.js';

export class TimestampRouter implements Transformation {
  private topicFormat = '${topic}-${timestamp}';
  private timestampFormat = 'yyyyMMdd';
  configure(c: Record<string, string>): void {
    this.topicFormat = c['topic.format'] ?? this.topicFormat;
    this.timestampFormat = c['timestamp.format'] ?? this.timestampFormat;
  }
  apply(record: ConnectRecord): ConnectRecord {
    if (record.timestamp === null) throw new ConnectConfigError(`Timestamp missing on record: topic ${record.topic}`);
    const stamp = formatTimestamp(record.timestamp, this.timestampFormat);
    return { ...record, topic: this.topicFormat.replaceAll('${topic}', record.topic).replaceAll('${timestamp}', stamp) };
  }
}

/**
 * The common subset of Java's SimpleDateFormat patterns (yyyy yy MM dd HH mm ss SSS), in UTC;
 * text in single quotes is literal.
 */
export function formatTimestamp(ms: number, pattern: string): string {
  const d = new Date(ms);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const tokens: Record<string, () => string> = {
    yyyy: () => pad(d.getUTCFullYear(), 4),
    yy: () => pad(d.getUTCFullYear() % 100, 2),
    MM: () => pad(d.getUTCMonth() + 1, 2),
    dd: () => pad(d.getUTCDate(), 2),
    HH: () => pad(d.getUTCHours(), 2),
    mm: () => pad(d.getUTCMinutes(), 2),
    ss: () => pad(d.getUTCSeconds(), 2),
    SSS: () => pad(d.getUTCMilliseconds(), 3),
  };
  return pattern.replace(/'([^']*)'|yyyy|yy|MM|dd|HH|mm|ss|SSS/g, (m, literal: string | undefined) => (literal !== undefined ? literal : tokens[m]!()));
}

export class RegexRouter implements Transformation {
  private regex = /(?:)/;
  private replacement = '';
  configure(c: Record<string, string>): void {
    const source = required(c, 'regex');
    try {
      // Java's Matcher.matches(): the whole topic must match.
      this.regex = new RegExp(`^(?:${source})$`);
    } catch (err) {
      throw new ConnectConfigError(`Invalid value ${source} for configuration regex: ${(err as Error).message}`, 'regex');
    }
    this.replacement = required(c, 'replacement');
  }
  apply(record: ConnectRecord): ConnectRecord {
    if (!this.regex.test(record.topic)) return record;
    return { ...record, topic: record.topic.replace(this.regex, this.replacement) };
  }
}
