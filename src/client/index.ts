/** Brook's Kafka client: Producer, Consumer, Admin. */
export { Producer, type ProducerOptions, type SendRequest, type RecordMetadata, type Acks, type CompressionName } from './producer.js';
export { Consumer, type ConsumerOptions, type TopicPartition, type TopicPartitionOffset } from './consumer.js';
export { type ProducerMessage, type ConsumerRecord, type HeadersInput } from './messages.js';
export { type ClientOptions } from './options.js';
export { murmur2, partitionForKey, DefaultPartitioner, type Partitioner } from './partitioner.js';
export { rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor, type Assignor, type MemberSubscription, type GroupAssignment } from './assignors.js';
export { KafkaError, ErrorCode, ConnectionError, RequestTimeoutError, ClientClosedError } from './errors.js';
export { Admin, type AdminOptions, type NewTopic, type ConfigEntry, type ConfigResourceResult, type GroupListing, type GroupDescription, type PartitionLag } from './admin.js';
