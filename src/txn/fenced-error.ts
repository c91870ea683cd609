/**
 * KIP-588: PRODUCER_FENCED exists only from InitProducerId v4 and AddPartitionsToTxn,
 * AddOffsetsToTxn, EndTxn v2. Older requests get INVALID_PRODUCER_EPOCH instead, which their
 * clients handle the same way (Kafka's KafkaApis does this mapping).
 */
import { ErrorCode } from '../protocol/errors.js';

/** `errorCode` as a request of `apiVersion` may see it; `fencedFromVersion` per API above. */
export function fencedErrorForVersion(errorCode: number, apiVersion: number, fencedFromVersion: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < fencedFromVersion ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}
