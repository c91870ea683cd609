/**
 * A TCP proxy in front of a broker that answers chosen requests itself with an error code,
 * without forwarding them (the broker never sees them): Produce (every partition gets the code,
 * e.g. UNKNOWN_PRODUCER_ID as from a broker that lost the producer's state) and the transaction
 * APIs (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit), e.g.
 * CONCURRENT_TRANSACTIONS or NOT_COORDINATOR. Everything else passes.
 * The broker must advertise the proxy's address (advertised.listeners) so clients stay on it.
 */
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';
import { apis, decodeRequestHeader, encodeResponseHeader, requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/generated/index.js';
import { framer, startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

export const ApiKey = { PRODUCE: 0, INIT_PRODUCER_ID: 22, ADD_PARTITIONS_TO_TXN: 24, ADD_OFFSETS_TO_TXN: 25, END_TXN: 26, TXN_OFFSET_COMMIT: 28 } as const;
const answerable = new Set<number>(Object.values(ApiKey));

/* eslint-disable @typescript-eslint/no-explicit-any */
function errorBody(apiKey: number, request: any, errorCode: number): unknown {
  switch (apiKey) {
    case ApiKey.PRODUCE:
      return {
        throttleTimeMs: 0,
        responses: request.topicData.map((t: any) => ({
          name: t.name,
          partitionResponses: t.partitionData.map((p: any) => ({ index: p.index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null })),
        })),
      };
    case ApiKey.ADD_PARTITIONS_TO_TXN:
      return {
        throttleTimeMs: 0,
        resultsByTopicV3AndBelow: request.v3AndBelowTopics.map((t: any) => ({ name: t.name, resultsByPartition: t.partitions.map((p: number) => ({ partitionIndex: p, partitionErrorCode: errorCode })) })),
      };
    case ApiKey.TXN_OFFSET_COMMIT:
      return { throttleTimeMs: 0, topics: request.topics.map((t: any) => ({ name: t.name, partitions: t.partitions.map((p: any) => ({ partitionIndex: p.partitionIndex, errorCode })) })) };
    default: // InitProducerId, AddOffsetsToTxn, EndTxn
      return { throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 };
  }
}

/** The answer to a request: `errorCode` wherever its response has one. */
function errorAnswer(frame: Buffer, errorCode: number): Buffer {
  const apiKey = frame.readInt16BE(4);
  const apiVersion = frame.readInt16BE(6);
  const r = new Reader(frame.subarray(4));
  const header = decodeRequestHeader(r, requestHeaderVersion(apiKey, apiVersion));
  const request = apis[apiKey]!.decodeRequest(r, apiVersion);
  const w = new Writer(256);
  w.int32(0);
  encodeResponseHeader(w, { correlationId: header.correlationId }, responseHeaderVersion(apiKey, apiVersion));
  apis[apiKey]!.encodeResponse(w, errorBody(apiKey, request, errorCode), apiVersion);
  w.setInt32At(0, w.length - 4);
  return w.toBuffer();
}

export interface RejectProxy extends TcpProxy {
  rejected: number;
}

/**
 * `reject(n, apiKey)` sees the n-th request (from 1) of each API in ApiKey and returns an error
 * code to answer it with, or 0 to forward it.
 */
export async function startRejectProxy(reject: (n: number, apiKey: number) => number): Promise<RejectProxy> {
  const counts = new Map<number, number>();
  const state = { rejected: 0 };
  const proxy = await startTcpProxy(({ client, upstream }) => {
    client.on('data', framer((frame) => {
      const apiKey = frame.readInt16BE(4);
      let code = 0;
      if (answerable.has(apiKey)) {
        const n = (counts.get(apiKey) ?? 0) + 1;
        counts.set(apiKey, n);
        code = reject(n, apiKey);
      }
      if (code === 0) {
        upstream.write(frame);
        return;
      }
      state.rejected++;
      client.write(errorAnswer(frame, code));
    }));
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
  });
  return Object.defineProperty(proxy, 'rejected', { get: () => state.rejected }) as RejectProxy;
}
