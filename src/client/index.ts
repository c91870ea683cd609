/**
 * Brook's Kafka client: Producer, Consumer, Admin. Works against Brook and any Kafka broker.
 *
 *   const producer = new Producer({ bootstrapServers: 'localhost:9092' });
 *   const [meta] = await producer.send({ topic: 't', messages: [{ key: 'k', value: 'v', headers: { h: 'x' } }] });
 *
 *   const consumer = new Consumer({ bootstrapServers: 'localhost:9092', groupId: 'g' });
 *   await consumer.subscribe({ topics: ['t'], fromBeginning: true }); // or assign([{ topic, partition, offset }])
 *   for await (const record of consumer) console.log(record.offset, record.value?.toString());
 *
 *   const admin = new Admin({ bootstrapServers: 'localhost:9092' });
 *   await admin.createTopics({ topics: [{ topic: 't', numPartitions: 3 }] });
 *
 * The producer is idempotent by default; with a transactionalId it writes transactions:
 *
 *   const tx = new Producer({ bootstrapServers: 'localhost:9092', transactionalId: 'app-1' });
 *   await tx.initTransactions();
 *   tx.beginTransaction();
 *   await tx.send({ topic: 'out', messages: [{ value: 'v' }] });
 *   await tx.sendOffsetsToTransaction({ consumerGroupMetadata: consumer.groupMetadata(), offsets: [{ topic: 't', partition: 0, offset: 42 }] });
 *   await tx.commitTransaction(); // or abortTransaction()
 *
 * close() on each when done; nothing is left holding the process open.
 */
export { Producer, type ProducerOptions, type SendRequest, type SendOffsetsRequest, type RecordMetadata, type Acks, type CompressionName } from './producer.js';
export { type ConsumerGroupMetadata, type TxnOffset, type TransactionState } from './transactions.js';
export { Consumer, type ConsumerOptions, type TopicPartition, type TopicPartitionOffset } from './consumer.js';
export { type ProducerMessage, type ConsumerRecord, type HeadersInput } from './messages.js';
export { type ClientOptions } from './options.js';
export type { RecordHeader } from '../records/record-types.js';
export { murmur2, partitionForKey, DefaultPartitioner, type Partitioner } from './partitioner.js';
export { rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor, type Assignor, type MemberSubscription, type GroupAssignment } from './assignors.js';
export { KafkaError, ErrorCode, ConnectionError, RequestTimeoutError, ClientClosedError, FatalProducerError, ProducerFencedError, TransactionAbortableError } from './errors.js';
export { Admin, type AdminOptions, type NewTopic, type ConfigEntry, type ConfigResourceResult, type GroupListing, type GroupDescription, type PartitionLag } from './admin.js';
