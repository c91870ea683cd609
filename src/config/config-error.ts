/**
 * A configuration problem a user can fix: a bad value, an unknown topic config name, a
 * malformed properties file or command-line flag. Messages follow Kafka's ConfigException
 * wording (`Invalid value abc for configuration num.partitions: Not a number of type INT`) so
 * people who know Kafka recognise them, and so clients see the same text in CreateTopics errors.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(
    message: string,
    /** The configuration name at fault, when there is one. */
    readonly key: string | null = null,
    /** The offending value as the user wrote it (or as parsed), when there is one. */
    readonly value: string | null = null,
  ) {
    super(message);
  }

  /** Kafka's `new ConfigException(name, value, rule)`. */
  static invalid(key: string, value: unknown, rule?: string): ConfigError {
    const shown = String(value);
    return new ConfigError(`Invalid value ${shown} for configuration ${key}${rule ? `: ${rule}` : ''}`, key, shown);
  }
}
