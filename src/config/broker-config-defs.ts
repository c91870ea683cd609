/**
 * The broker configs Brook knows, with Kafka's names, types, defaults and validators (Kafka
 * 3.x KafkaConfig / ServerLogConfigs). Keys are the camelCase of the Kafka name, checked by a
 * test, so `config.numPartitions` is always `num.partitions`.
 *
 * Deviations from Kafka, on purpose:
 * - `broker.id` defaults to 0 and `node.id` to null (= use broker.id): Brook is one node and
 *   needs no id generation or KRaft quorum.
 * - `log.dir` defaults to `./data`, where `brook start` keeps its data, not `/tmp/kafka-logs`.
 * - `cluster.id` is a Brook extension (Kafka keeps it in meta.properties); null = generated once
 *   and persisted by the broker.
 * Configs marked "(informative)" are accepted so Kafka server.properties files load without
 * warnings, and reported by DescribeConfigs, but Brook's single-threaded design ignores them.
 */
import {
  INT_MAX,
  password,
  LONG_MAX,
  atLeast,
  between,
  bool,
  double,
  eachOneOf,
  int,
  list,
  long,
  oneOf,
  short,
  str,
  type ConfigDef,
} from './config-def.js';

const HOUR_MS = 60 * 60 * 1000;

export const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const;
export const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const;
export const CLEANUP_POLICIES = ['compact', 'delete'] as const;
/** Kafka's LegacyRecord.RECORD_OVERHEAD_V0: the smallest segment that can hold a record. */
const MIN_SEGMENT_BYTES = 14;

export const brokerConfigDefs = {
  // --- identity and listeners -----------------------------------------------------------------
  brokerId: int('broker.id', 0, { validator: atLeast(0), importance: 'high', doc: 'The id of this broker. Brook default 0.' }),
  nodeId: int('node.id', null, {
    validator: atLeast(0),
    importance: 'high',
    doc: 'KRaft name of the broker id; must equal broker.id when both are set. Null means use broker.id.',
  }),
  clusterId: str('cluster.id', null, {
    importance: 'high',
    doc: 'Brook extension: the cluster id reported in Metadata. Null means generate one on first start and keep it.',
  }),
  metricsPort: int('metrics.port', null, { validator: between(0, 65535), importance: 'low', doc: 'Brook extension: serve /metrics, /health, /ready on this port; null = off.' }),
  consolePort: int('console.port', null, { validator: between(0, 65535), importance: 'low', doc: 'Brook extension: serve the web console on this port (127.0.0.1 only); null = off.' }),
  etcdEndpoints: list('etcd.endpoints', [], {
    importance: 'high',
    doc: 'Brook extension: etcd endpoints (http://host:port, comma-separated) of the cluster this broker joins; empty = a single node without etcd.',
  }),
  brokerSessionTimeoutMs: int('broker.session.timeout.ms', 9000, {
    validator: atLeast(1000),
    importance: 'medium',
    doc: 'Cluster mode: TTL of the broker registration lease in etcd (rounded up to seconds); a broker silent this long is dead to the controller.',
  }),
  brokerRack: str('broker.rack', null, { importance: 'medium', doc: 'Rack of the broker, reported in Metadata.' }),
  listeners: str('listeners', 'PLAINTEXT://:9092', {
    importance: 'high',
    doc: 'Comma-separated NAME://host:port listeners. Brook serves each one that is not a controller listener, with its own socket and security protocol; an empty host means every interface.',
  }),
  advertisedListeners: str('advertised.listeners', null, {
    importance: 'high',
    doc: 'Listeners given to clients in Metadata, per listener name (a client is told the address of the listener it came through). Null, or a listener left out, means its address in listeners.',
  }),
  listenerSecurityProtocolMap: str('listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL', {
    importance: 'low',
    doc: 'Listener name to security protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.',
  }),
  controllerListenerNames: str('controller.listener.names', null, {
    importance: 'low',
    doc: '(informative) Listeners used by the KRaft controller; Brook does not serve them.',
  }),
  interBrokerListenerName: str('inter.broker.listener.name', null, { importance: 'low', doc: '(informative) Listener used between brokers.' }),
  // --- security (src/security) ------------------------------------------------------------------
  sslKeystoreType: str('ssl.keystore.type', 'PEM', {
    validator: oneOf('PEM'),
    importance: 'medium',
    doc: 'Format of ssl.keystore.location. Brook reads PEM only (Kafka default JKS is not supported).',
  }),
  sslKeystoreLocation: str('ssl.keystore.location', null, {
    importance: 'high',
    doc: 'PEM file holding the private key and the certificate chain of TLS listeners.',
  }),
  sslKeyPassword: password('ssl.key.password', null, { importance: 'high', doc: 'Password of an encrypted private key.' }),
  sslCertificateLocation: str('ssl.certificate.location', null, {
    importance: 'high',
    doc: 'Brook extension: PEM certificate chain file (with ssl.key.location), instead of ssl.keystore.location.',
  }),
  sslKeyLocation: str('ssl.key.location', null, { importance: 'high', doc: 'Brook extension: PEM private key file, with ssl.certificate.location.' }),
  sslTruststoreType: str('ssl.truststore.type', 'PEM', { validator: oneOf('PEM'), importance: 'medium', doc: 'Format of ssl.truststore.location; PEM only.' }),
  sslTruststoreLocation: str('ssl.truststore.location', null, {
    importance: 'high',
    doc: 'PEM file of CA certificates trusted to sign client certificates (mutual TLS). Null means the system CAs.',
  }),
  sslClientAuth: str('ssl.client.auth', 'none', {
    validator: oneOf('none', 'requested', 'required'),
    importance: 'medium',
    doc: 'Mutual TLS: required refuses clients without a trusted certificate; the principal is User:<subject DN>.',
  }),
  saslEnabledMechanisms: list('sasl.enabled.mechanisms', ['GSSAPI'], {
    importance: 'medium',
    doc: 'SASL mechanisms of SASL listeners. Brook supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (GSSAPI is ignored).',
  }),
  saslPlainUsers: password('sasl.plain.users', null, {
    importance: 'medium',
    doc: 'Brook extension: PLAIN users as user:password,user:password (instead of a JAAS config).',
  }),
  saslOauthbearerUnsecuredTokensEnable: bool('sasl.oauthbearer.unsecured.tokens.enable', false, {
    importance: 'medium',
    doc: 'Brook extension: OAUTHBEARER also accepts unsecured JWS tokens (alg none), for development.',
  }),
  saslOauthbearerJwksEndpointUrl: str('sasl.oauthbearer.jwks.endpoint.url', null, {
    importance: 'medium',
    doc: 'JSON Web Key Set that signed OAUTHBEARER tokens are validated against (a file: URL in Brook, read at start).',
  }),
  saslOauthbearerExpectedAudience: list('sasl.oauthbearer.expected.audience', [], { importance: 'low', doc: 'OAUTHBEARER tokens must name one of these in aud (empty: not checked).' }),
  saslOauthbearerExpectedIssuer: str('sasl.oauthbearer.expected.issuer', null, { importance: 'low', doc: 'OAUTHBEARER tokens must have this iss (unset: not checked).' }),
  saslOauthbearerSubClaimName: str('sasl.oauthbearer.sub.claim.name', 'sub', { importance: 'low', doc: 'OAUTHBEARER token claim naming the principal.' }),
  saslOauthbearerClockSkewSeconds: int('sasl.oauthbearer.clock.skew.seconds', 30, {
    validator: atLeast(0),
    importance: 'low',
    doc: 'Tolerated clock difference when checking OAUTHBEARER token times.',
  }),
  authorizerClassName: str('authorizer.class.name', '', {
    importance: 'low',
    doc: 'Any non-empty value (e.g. org.apache.kafka.metadata.authorizer.StandardAuthorizer) turns on Brook\'s built-in ACL authorizer.',
  }),
  superUsers: str('super.users', null, { importance: 'low', doc: 'Principals allowed everything by the authorizer, separated by semicolons: User:admin;User:ops.' }),
  allowEveryoneIfNoAclFound: bool('allow.everyone.if.no.acl.found', false, {
    importance: 'low',
    doc: 'With the authorizer on, allow a request on a resource that has no ACL at all.',
  }),
  connectionsMaxReauthMs: long('connections.max.reauth.ms', 0, {
    validator: atLeast(0),
    importance: 'medium',
    doc: 'SASL sessions must re-authenticate within this time (KIP-368); 0 = never.',
  }),
  connectionFailedAuthenticationDelayMs: int('connection.failed.authentication.delay.ms', 100, {
    validator: atLeast(0),
    importance: 'low',
    doc: 'Delay of the answer to a failed SASL authentication, after which the connection is closed.',
  }),
  quotaWindowNum: int('quota.window.num', 11, { validator: atLeast(1), importance: 'low', doc: 'Samples kept for client quota rates.' }),
  quotaWindowSizeSeconds: int('quota.window.size.seconds', 1, { validator: atLeast(1), importance: 'low', doc: 'Time span of one quota rate sample.' }),
  processRoles: list('process.roles', [], {
    validator: eachOneOf('broker', 'controller'),
    importance: 'low',
    doc: '(informative) KRaft roles; Brook is always a single combined node.',
  }),
  controllerQuorumVoters: list('controller.quorum.voters', [], { importance: 'low', doc: '(informative) KRaft quorum voters.' }),
  port: int('port', 9092, {
    validator: between(0, 65535),
    importance: 'low',
    doc: 'Legacy: the listen port, used only when listeners is not set.',
  }),
  hostName: str('host.name', '', { importance: 'low', doc: 'Legacy: the listen host, used only when listeners is not set.' }),

  // --- network ----------------------------------------------------------------------------------
  numNetworkThreads: int('num.network.threads', 3, { validator: atLeast(1), importance: 'high', doc: '(informative) Network threads.' }),
  numIoThreads: int('num.io.threads', 8, { validator: atLeast(1), importance: 'high', doc: '(informative) Request handler threads.' }),
  queuedMaxRequests: int('queued.max.requests', 500, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'Requests in flight per connection before Brook stops reading from it.',
  }),
  queuedMaxRequestBytes: long('queued.max.request.bytes', 512 * 1024 * 1024, {
    validator: atLeast(-1),
    importance: 'medium',
    doc:
      'Request bytes waiting for the disk (appended, not yet written) before Brook stops reading requests ' +
      'until the writes catch up; -1 for no limit. Kafka defaults to -1; Brook bounds it.',
  }),
  socketSendBufferBytes: int('socket.send.buffer.bytes', 102400, { importance: 'high', doc: 'SO_SNDBUF of sockets; -1 for the OS default.' }),
  socketReceiveBufferBytes: int('socket.receive.buffer.bytes', 102400, { importance: 'high', doc: 'SO_RCVBUF of sockets; -1 for the OS default.' }),
  socketRequestMaxBytes: int('socket.request.max.bytes', 104857600, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'Largest request size accepted; larger size prefixes close the connection.',
  }),
  socketListenBacklogSize: int('socket.listen.backlog.size', 50, { validator: atLeast(1), importance: 'medium', doc: 'Listen backlog of the server socket.' }),
  maxConnections: int('max.connections', INT_MAX, { validator: atLeast(0), importance: 'medium', doc: 'Most client connections at once.' }),
  maxConnectionCreationRate: int('max.connection.creation.rate', INT_MAX, {
    validator: atLeast(0),
    importance: 'medium',
    doc: 'Most new connections per second the broker accepts, all listeners together; connections beyond it wait before they are served.',
  }),
  maxConnectionsPerIp: int('max.connections.per.ip', INT_MAX, {
    validator: atLeast(0),
    importance: 'medium',
    doc: 'Most connections from one IP address.',
  }),
  maxConnectionsPerIpOverrides: str('max.connections.per.ip.overrides', '', {
    importance: 'medium',
    doc: 'host:count pairs overriding max.connections.per.ip.',
  }),
  connectionsMaxIdleMs: long('connections.max.idle.ms', 600000, { importance: 'medium', doc: 'Idle connections are closed after this.' }),
  messageMaxBytes: int('message.max.bytes', 1048588, {
    validator: atLeast(0),
    importance: 'high',
    doc: 'Largest record batch size accepted (topic: max.message.bytes).',
  }),
  fetchMaxBytes: int('fetch.max.bytes', 57671680, { validator: atLeast(1024), importance: 'medium', doc: 'Most bytes returned by one Fetch.' }),
  replicaLagTimeMaxMs: long('replica.lag.time.max.ms', 30000, { importance: 'high', doc: '(informative) Follower lag before leaving the ISR.' }),

  // --- topics -----------------------------------------------------------------------------------
  numPartitions: int('num.partitions', 1, { validator: atLeast(1), importance: 'medium', doc: 'Partitions of topics created without a count.' }),
  defaultReplicationFactor: int('default.replication.factor', 1, {
    validator: atLeast(1),
    importance: 'medium',
    doc: 'Replication factor of topics created without one.',
  }),
  autoCreateTopicsEnable: bool('auto.create.topics.enable', true, { importance: 'high', doc: 'Create unknown topics on Metadata requests.' }),
  deleteTopicEnable: bool('delete.topic.enable', true, { importance: 'high', doc: 'Allow DeleteTopics.' }),
  minInsyncReplicas: int('min.insync.replicas', 1, { validator: atLeast(1), importance: 'high', doc: 'Replicas that must have a write for acks=all.' }),
  uncleanLeaderElectionEnable: bool('unclean.leader.election.enable', false, {
    importance: 'high',
    doc: 'Allow out-of-sync replicas to become leader.',
  }),
  compressionGzipLevel: int('compression.gzip.level', -1, { importance: 'medium', doc: 'Default gzip level for topics the broker compresses (-1 = codec default).' }),
  compressionLz4Level: int('compression.lz4.level', 9, { validator: between(1, 17), importance: 'medium', doc: 'Default lz4 level for topics the broker compresses.' }),
  compressionZstdLevel: int('compression.zstd.level', 3, { validator: between(-131072, 22), importance: 'medium', doc: 'Default zstd level for topics the broker compresses.' }),
  logLocalRetentionMs: long('log.local.retention.ms', -2, { validator: atLeast(-2), importance: 'medium', doc: 'Tiered storage: local retention time (-2 = log.retention.ms). Not used by Brook.' }),
  logLocalRetentionBytes: long('log.local.retention.bytes', -2, { validator: atLeast(-2), importance: 'medium', doc: 'Tiered storage: local retention size (-2 = log.retention.bytes). Not used by Brook.' }),
  compressionType: str('compression.type', 'producer', {
    validator: oneOf(...COMPRESSION_TYPES),
    importance: 'high',
    doc: 'Compression of stored batches; producer keeps what the producer sent.',
  }),

  // --- log --------------------------------------------------------------------------------------
  logDirs: list('log.dirs', null, { importance: 'high', doc: 'Data directories; null means use log.dir. Brook uses the first.' }),
  logDir: list('log.dir', ['./data'], { importance: 'high', doc: 'Data directory when log.dirs is not set.' }),
  logSegmentBytes: int('log.segment.bytes', 1024 * 1024 * 1024, {
    validator: atLeast(MIN_SEGMENT_BYTES),
    importance: 'high',
    doc: 'Maximum size of a log segment file.',
  }),
  logRollMs: long('log.roll.ms', null, { importance: 'high', doc: 'Roll a segment after this long; null means use log.roll.hours.' }),
  logRollHours: int('log.roll.hours', 168, { validator: atLeast(1), importance: 'high', doc: 'Roll a segment after this many hours.' }),
  logRollJitterMs: long('log.roll.jitter.ms', null, { importance: 'high', doc: 'Random jitter subtracted from the roll time; null means use log.roll.jitter.hours.' }),
  logRollJitterHours: int('log.roll.jitter.hours', 0, { validator: atLeast(0), importance: 'high', doc: 'Roll jitter in hours.' }),
  logRetentionMs: long('log.retention.ms', null, {
    importance: 'high',
    doc: 'Delete segments older than this; -1 for no limit; null means use log.retention.minutes.',
  }),
  logRetentionMinutes: int('log.retention.minutes', null, { importance: 'high', doc: 'Retention in minutes; null means use log.retention.hours.' }),
  logRetentionHours: int('log.retention.hours', 168, { importance: 'high', doc: 'Retention in hours.' }),
  logRetentionBytes: long('log.retention.bytes', -1, { importance: 'high', doc: 'Delete old segments past this partition size; -1 for no limit.' }),
  logRetentionCheckIntervalMs: long('log.retention.check.interval.ms', 300000, {
    validator: atLeast(1),
    importance: 'medium',
    doc: 'How often retention is checked.',
  }),
  logCleanupPolicy: list('log.cleanup.policy', ['delete'], {
    validator: eachOneOf(...CLEANUP_POLICIES),
    importance: 'medium',
    doc: 'delete, compact, or both.',
  }),
  logIndexSizeMaxBytes: int('log.index.size.max.bytes', 10 * 1024 * 1024, {
    validator: atLeast(4),
    importance: 'medium',
    doc: 'Maximum size of an offset index file.',
  }),
  logIndexIntervalBytes: int('log.index.interval.bytes', 4096, {
    validator: atLeast(0),
    importance: 'medium',
    doc: 'Bytes of log between two offset index entries.',
  }),
  logFlushIntervalMessages: long('log.flush.interval.messages', LONG_MAX, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'fsync after this many records.',
  }),
  logFlushIntervalMs: long('log.flush.interval.ms', null, {
    importance: 'high',
    doc: 'fsync when unflushed data is this old; null means use log.flush.scheduler.interval.ms.',
  }),
  logFlushSchedulerIntervalMs: long('log.flush.scheduler.interval.ms', LONG_MAX, { importance: 'high', doc: 'How often the flusher runs.' }),
  logFlushOffsetCheckpointIntervalMs: int('log.flush.offset.checkpoint.interval.ms', 60000, {
    validator: atLeast(0),
    importance: 'high',
    doc: 'How often the recovery point is checkpointed.',
  }),
  logSegmentDeleteDelayMs: long('log.segment.delete.delay.ms', 60000, {
    validator: atLeast(0),
    importance: 'high',
    doc: 'Delay before a deleted segment file is removed.',
  }),
  logPreallocate: bool('log.preallocate', false, { importance: 'medium', doc: 'Preallocate segment files.' }),
  logMessageTimestampType: str('log.message.timestamp.type', 'CreateTime', {
    validator: oneOf(...TIMESTAMP_TYPES),
    importance: 'medium',
    doc: 'CreateTime keeps producer timestamps; LogAppendTime stamps the broker time.',
  }),
  logMessageTimestampDifferenceMaxMs: long('log.message.timestamp.difference.max.ms', LONG_MAX, {
    validator: atLeast(0),
    importance: 'medium',
    doc: 'Deprecated: largest allowed distance between a CreateTime timestamp and the broker clock.',
  }),
  logMessageTimestampBeforeMaxMs: long('log.message.timestamp.before.max.ms', LONG_MAX, {
    validator: atLeast(0),
    importance: 'medium',
    doc: 'How far a CreateTime timestamp may be behind the broker clock.',
  }),
  logMessageTimestampAfterMaxMs: long('log.message.timestamp.after.max.ms', LONG_MAX, {
    validator: atLeast(0),
    importance: 'medium',
    doc: 'How far a CreateTime timestamp may be ahead of the broker clock.',
  }),
  logMessageDownconversionEnable: bool('log.message.downconversion.enable', true, {
    importance: 'low',
    doc: 'Down-convert batches for old fetch versions.',
  }),
  numRecoveryThreadsPerDataDir: int('num.recovery.threads.per.data.dir', 1, {
    validator: atLeast(1),
    importance: 'high',
    doc: '(informative) Log recovery threads.',
  }),

  // --- log cleaner ------------------------------------------------------------------------------
  logCleanerEnable: bool('log.cleaner.enable', true, { importance: 'medium', doc: 'Run the log cleaner for compacted topics.' }),
  logCleanerThreads: int('log.cleaner.threads', 1, { validator: atLeast(0), importance: 'medium', doc: '(informative) Cleaner threads.' }),
  logCleanerDedupeBufferSize: long('log.cleaner.dedupe.buffer.size', 128 * 1024 * 1024, {
    importance: 'medium',
    doc: 'Memory for key deduplication across cleaner threads.',
  }),
  logCleanerIoBufferSize: int('log.cleaner.io.buffer.size', 512 * 1024, { validator: atLeast(0), importance: 'medium', doc: 'Cleaner I/O buffer memory.' }),
  logCleanerMinCleanableRatio: double('log.cleaner.min.cleanable.ratio', 0.5, {
    validator: between(0, 1),
    importance: 'medium',
    doc: 'Dirty/total ratio at which a log is cleaned.',
  }),
  logCleanerBackoffMs: long('log.cleaner.backoff.ms', 15000, { validator: atLeast(0), importance: 'medium', doc: 'Cleaner sleep when idle.' }),
  logCleanerDeleteRetentionMs: long('log.cleaner.delete.retention.ms', 86400000, {
    validator: atLeast(0),
    importance: 'medium',
    doc: 'How long tombstones are kept in compacted topics.',
  }),
  logCleanerMinCompactionLagMs: long('log.cleaner.min.compaction.lag.ms', 0, {
    validator: atLeast(0),
    importance: 'medium',
    doc: 'Minimum age of a record before it may be compacted.',
  }),
  logCleanerMaxCompactionLagMs: long('log.cleaner.max.compaction.lag.ms', LONG_MAX, {
    validator: atLeast(1),
    importance: 'medium',
    doc: 'Maximum age of a record before it must be compacted.',
  }),

  // --- consumer groups and offsets --------------------------------------------------------------
  offsetsTopicNumPartitions: int('offsets.topic.num.partitions', 50, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'Partitions of __consumer_offsets.',
  }),
  offsetsTopicReplicationFactor: short('offsets.topic.replication.factor', 3, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'Replication factor of __consumer_offsets (a single Brook node uses 1 whatever this says).',
  }),
  offsetsTopicSegmentBytes: int('offsets.topic.segment.bytes', 104857600, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'Segment size of __consumer_offsets.',
  }),
  offsetsRetentionMinutes: int('offsets.retention.minutes', 10080, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'Committed offsets of empty groups are dropped after this.',
  }),
  offsetsRetentionCheckIntervalMs: long('offsets.retention.check.interval.ms', 600000, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'How often stale offsets are looked for.',
  }),
  offsetsCommitTimeoutMs: int('offsets.commit.timeout.ms', 5000, { validator: atLeast(1), importance: 'high', doc: 'Offset commit write timeout.' }),
  offsetMetadataMaxBytes: int('offset.metadata.max.bytes', 4096, { importance: 'high', doc: 'Largest metadata string of an offset commit.' }),
  groupInitialRebalanceDelayMs: int('group.initial.rebalance.delay.ms', 3000, {
    importance: 'medium',
    doc: 'Wait for more members before the first rebalance of an empty group.',
  }),
  groupMinSessionTimeoutMs: int('group.min.session.timeout.ms', 6000, { importance: 'medium', doc: 'Smallest session timeout a member may ask for.' }),
  groupMaxSessionTimeoutMs: int('group.max.session.timeout.ms', 1800000, { importance: 'medium', doc: 'Largest session timeout a member may ask for.' }),
  groupMaxSize: int('group.max.size', INT_MAX, { validator: atLeast(1), importance: 'medium', doc: 'Most members in one group.' }),

  // --- transactions and idempotence -------------------------------------------------------------
  transactionStateLogNumPartitions: int('transaction.state.log.num.partitions', 50, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'Partitions of __transaction_state.',
  }),
  transactionStateLogReplicationFactor: short('transaction.state.log.replication.factor', 3, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'Replication factor of __transaction_state (a single Brook node uses 1).',
  }),
  transactionStateLogMinIsr: int('transaction.state.log.min.isr', 2, {
    validator: atLeast(1),
    importance: 'high',
    doc: '(informative) min.insync.replicas of __transaction_state.',
  }),
  transactionalIdExpirationMs: int('transactional.id.expiration.ms', 604800000, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'Transactional ids without activity are expired after this.',
  }),
  transactionMaxTimeoutMs: int('transaction.max.timeout.ms', 900000, {
    validator: atLeast(1),
    importance: 'high',
    doc: 'Largest transaction timeout a producer may ask for.',
  }),
  transactionAbortTimedOutTransactionCleanupIntervalMs: int('transaction.abort.timed.out.transaction.cleanup.interval.ms', 10000, {
    validator: atLeast(1),
    importance: 'low',
    doc: 'How often timed-out transactions are aborted.',
  }),
  transactionRemoveExpiredTransactionCleanupIntervalMs: int('transaction.remove.expired.transaction.cleanup.interval.ms', HOUR_MS, {
    validator: atLeast(1),
    importance: 'low',
    doc: 'How often expired transactional ids are removed.',
  }),
  producerIdExpirationMs: int('producer.id.expiration.ms', 86400000, {
    validator: atLeast(1),
    importance: 'low',
    doc: 'Idempotent producer state is dropped after this long without writes.',
  }),
  producerIdExpirationCheckIntervalMs: int('producer.id.expiration.check.interval.ms', 600000, {
    validator: atLeast(1),
    importance: 'low',
    doc: 'How often expired producer ids are looked for.',
  }),
} as const satisfies Record<string, ConfigDef>;

export type BrokerConfigKey = keyof typeof brokerConfigDefs;

/** Every broker config definition, in table order (what DescribeConfigs lists). */
export const brokerConfigDefList: readonly ConfigDef[] = Object.values(brokerConfigDefs);

/** Kafka name -> table key. */
export const brokerConfigKeyByName: ReadonlyMap<string, BrokerConfigKey> = new Map(
  (Object.keys(brokerConfigDefs) as BrokerConfigKey[]).map((key) => [brokerConfigDefs[key].name, key]),
);
