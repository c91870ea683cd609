/** Predicates for conditional SMTs (KIP-585): TopicNameMatches, HasHeaderKey, RecordIsTombstone. */
import type { ConnectRecord } from '../api.js';
import { ConnectConfigError } from '../api.js';
import { required } from './transformation.js';

export interface Predicate {
  configure(config: Record<string, string>): void;
  test(record: ConnectRecord): boolean;
}

export class TopicNameMatches implements Predicate {
  private regex = /(?:)/;
  configure(c: Record<string, string>): void {
    const source = required(c, 'pattern');
    try {
      this.regex = new RegExp(`^(?:${source})$`);
    } catch (err) {
      throw new ConnectConfigError(`Invalid value ${source} for configuration pattern: ${(err as Error).message}`, 'pattern');
    }
  }
  test(record: ConnectRecord): boolean {
    return this.regex.test(record.topic);
  }
}

export class HasHeaderKey implements Predicate {
  private name = '';
  configure(c: Record<string, string>): void {
    this.name = required(c, 'name');
  }
  test(record: ConnectRecord): boolean {
    return record.headers.some((h) => h.key === this.name);
  }
}

export class RecordIsTombstone implements Predicate {
  configure(): void {}
  test(record: ConnectRecord): boolean {
    return record.value === null || record.value === undefined;
  }
}
