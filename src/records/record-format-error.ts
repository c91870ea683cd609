/**
 * Thrown by the record codecs (not the Produce hot path, which returns error results) when bytes
 * do not parse or do not validate. `corrupt` tells a checksum or framing failure (Kafka's
 * CORRUPT_MESSAGE) from bytes that checksum fine but break the format's rules (INVALID_RECORD).
 */
export class RecordFormatError extends Error {
  override name = 'RecordFormatError';
  constructor(
    message: string,
    readonly corrupt: boolean = false,
  ) {
    super(message);
  }
}
