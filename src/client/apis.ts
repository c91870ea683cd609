/**
 * The APIs the client speaks, each with the generated codecs and the highest version whose
 * fields this client understands. A connection picks, per API, the highest version both it and
 * the broker support (see connection.ts). Caps below a codec's maximum say why.
 */
import type { Reader } from '../protocol/reader.js';
import type { Writer } from '../protocol/writer.js';
import * as g from '../protocol/generated/index.js';

export interface ApiDef<Req, Res> {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  encode(w: Writer, msg: Req, version: number): void;
  decode(r: Reader, version: number): Res;
}

function def<Req, Res>(key: number, minVersion: number, maxVersion: number, encode: (w: Writer, m: Req, v: number) => void, decode: (r: Reader, v: number) => Res): ApiDef<Req, Res> {
  const spec = g.apis[key]!;
  return { key, name: spec.name, minVersion, maxVersion: Math.min(maxVersion, spec.maxVersion), encode, decode };
}

export const Api = {
  produce: def(0, 3, 11, g.encodeProduceRequest, g.decodeProduceResponse),
  // v13+ names topics by id only; this client fetches by name.
  fetch: def(1, 4, 12, g.encodeFetchRequest, g.decodeFetchResponse),
  listOffsets: def(2, 1, 10, g.encodeListOffsetsRequest, g.decodeListOffsetsResponse),
  metadata: def(3, 1, 12, g.encodeMetadataRequest, g.decodeMetadataResponse),
  offsetCommit: def(8, 2, 8, g.encodeOffsetCommitRequest, g.decodeOffsetCommitResponse),
  // v8+ batches groups in a different layout; one group per request is all we need.
  offsetFetch: def(9, 1, 7, g.encodeOffsetFetchRequest, g.decodeOffsetFetchResponse),
  findCoordinator: def(10, 0, 6, g.encodeFindCoordinatorRequest, g.decodeFindCoordinatorResponse),
  joinGroup: def(11, 0, 9, g.encodeJoinGroupRequest, g.decodeJoinGroupResponse),
  heartbeat: def(12, 0, 4, g.encodeHeartbeatRequest, g.decodeHeartbeatResponse),
  leaveGroup: def(13, 0, 5, g.encodeLeaveGroupRequest, g.decodeLeaveGroupResponse),
  syncGroup: def(14, 0, 5, g.encodeSyncGroupRequest, g.decodeSyncGroupResponse),
  describeGroups: def(15, 0, 5, g.encodeDescribeGroupsRequest, g.decodeDescribeGroupsResponse),
  listGroups: def(16, 0, 5, g.encodeListGroupsRequest, g.decodeListGroupsResponse),
  // v0 sends raw SASL tokens; the client always uses v1 + SaslAuthenticate.
  saslHandshake: def(17, 1, 1, g.encodeSaslHandshakeRequest, g.decodeSaslHandshakeResponse),
  saslAuthenticate: def(36, 0, 2, g.encodeSaslAuthenticateRequest, g.decodeSaslAuthenticateResponse),
  apiVersions: def(18, 0, 3, g.encodeApiVersionsRequest, g.decodeApiVersionsResponse),
  createTopics: def(19, 0, 7, g.encodeCreateTopicsRequest, g.decodeCreateTopicsResponse),
  // v6+ may name topics by id; we always send names, which every version accepts.
  deleteTopics: def(20, 0, 6, g.encodeDeleteTopicsRequest, g.decodeDeleteTopicsResponse),
  deleteRecords: def(21, 0, 2, g.encodeDeleteRecordsRequest, g.decodeDeleteRecordsResponse),
  // v3+ carries producerId/epoch for KIP-360 epoch bumps; v5 adds TRANSACTION_ABORTABLE.
  initProducerId: def(22, 0, 5, g.encodeInitProducerIdRequest, g.decodeInitProducerIdResponse),
  // v4+ is the brokers' batched (verify-only) form; clients use v3 and below.
  addPartitionsToTxn: def(24, 0, 3, g.encodeAddPartitionsToTxnRequest, g.decodeAddPartitionsToTxnResponse),
  addOffsetsToTxn: def(25, 0, 4, g.encodeAddOffsetsToTxnRequest, g.decodeAddOffsetsToTxnResponse),
  // v5 bumps the epoch on every EndTxn (KIP-890 part 2), which this client does not follow.
  endTxn: def(26, 0, 4, g.encodeEndTxnRequest, g.decodeEndTxnResponse),
  txnOffsetCommit: def(28, 0, 4, g.encodeTxnOffsetCommitRequest, g.decodeTxnOffsetCommitResponse),
  describeAcls: def(29, 1, 3, g.encodeDescribeAclsRequest, g.decodeDescribeAclsResponse),
  createAcls: def(30, 1, 3, g.encodeCreateAclsRequest, g.decodeCreateAclsResponse),
  deleteAcls: def(31, 1, 3, g.encodeDeleteAclsRequest, g.decodeDeleteAclsResponse),
  describeConfigs: def(32, 0, 4, g.encodeDescribeConfigsRequest, g.decodeDescribeConfigsResponse),
  alterConfigs: def(33, 0, 2, g.encodeAlterConfigsRequest, g.decodeAlterConfigsResponse),
  createPartitions: def(37, 0, 3, g.encodeCreatePartitionsRequest, g.decodeCreatePartitionsResponse),
  deleteGroups: def(42, 0, 2, g.encodeDeleteGroupsRequest, g.decodeDeleteGroupsResponse),
  incrementalAlterConfigs: def(44, 0, 1, g.encodeIncrementalAlterConfigsRequest, g.decodeIncrementalAlterConfigsResponse),
  alterPartitionReassignments: def(45, 0, 0, g.encodeAlterPartitionReassignmentsRequest, g.decodeAlterPartitionReassignmentsResponse),
  listPartitionReassignments: def(46, 0, 0, g.encodeListPartitionReassignmentsRequest, g.decodeListPartitionReassignmentsResponse),
  offsetDelete: def(47, 0, 0, g.encodeOffsetDeleteRequest, g.decodeOffsetDeleteResponse),
  describeClientQuotas: def(48, 0, 1, g.encodeDescribeClientQuotasRequest, g.decodeDescribeClientQuotasResponse),
  alterClientQuotas: def(49, 0, 1, g.encodeAlterClientQuotasRequest, g.decodeAlterClientQuotasResponse),
  describeUserScramCredentials: def(50, 0, 0, g.encodeDescribeUserScramCredentialsRequest, g.decodeDescribeUserScramCredentialsResponse),
  alterUserScramCredentials: def(51, 0, 0, g.encodeAlterUserScramCredentialsRequest, g.decodeAlterUserScramCredentialsResponse),
  describeCluster: def(60, 0, 1, g.encodeDescribeClusterRequest, g.decodeDescribeClusterResponse),
} as const;

export type RequestOf<A> = A extends ApiDef<infer Req, unknown> ? Req : never;
export type ResponseOf<A> = A extends ApiDef<unknown, infer Res> ? Res : never;
