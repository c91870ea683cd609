/**
 * Reads the topics out of a consumer's JoinGroup metadata (protocol type "consumer"). Every
 * ConsumerProtocolSubscription version starts with the v0 layout, so, like Kafka, we parse v0
 * after the int16 version and ignore what follows; a malformed blob means "unknown".
 */
import { Reader } from '../protocol/reader.js';
import { decodeConsumerProtocolSubscription } from '../protocol/generated/data/consumer-protocol-subscription.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** The subscribed topic names, or null when the metadata does not parse. */
export function subscribedTopics(metadata: Buffer): string[] | null {
  try {
    const reader = new Reader(metadata);
    const version = reader.int16();
    if (version < 0) return null;
    return decodeConsumerProtocolSubscription(reader, 0).topics;
  } catch {
    return null;
  }
}
