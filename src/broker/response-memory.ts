/**
 * What one connection makes the broker hold for responses, and the bound on it. A Fetch response
 * keeps the log's Buffers by reference (pooled read buffers for catch-up reads) until the socket
 * has written it; a consumer that reads its socket slowly, or pipelines many Fetches, would
 * otherwise pin as much as it asks for. Held bytes are:
 *
 *   reserved  read (or about to be read) by handlers for responses not yet handed to the socket
 *   unsent    handed to the socket, not yet written to the kernel (socket.writableLength)
 *
 * Fetch reads only what `available()` allows (at least one batch when it reads anything, as
 * Kafka's KIP-74 does), so a connection holds at most `maxBytes` plus one batch per partition
 * read while at the limit; reading requests pauses past `maxBytes` of unsent data
 * (connection.ts). Buffers a response leases are released in the socket's write callback.
 */

/** A handler's response carries this when the connection must run something after writing it. */
export const AFTER_WRITE = Symbol('after write');

export interface AfterWrite {
  /** Bytes this response reserved in its connection's ResponseMemory. */
  reservedBytes: number;
  /** Leased buffers to give back once the socket has written the response. */
  releases: Array<() => void>;
}

export class ResponseMemory {
  reservedBytes = 0;

  constructor(
    private readonly maxBytes: () => number,
    private readonly unsentBytes: () => number,
  ) {}

  /** Bytes a handler may still read for a response on this connection. */
  available(): number {
    return Math.max(0, this.maxBytes() - this.reservedBytes - this.unsentBytes());
  }

  heldBytes(): number {
    return this.reservedBytes + this.unsentBytes();
  }
}

/** The response was handed to the socket: its bytes now count as unsent, not reserved. */
export function unreserve(memory: ResponseMemory, after: AfterWrite): void {
  memory.reservedBytes -= after.reservedBytes;
  after.reservedBytes = 0;
}

/** Gives back a response's leased buffers: after its write callback, or when it is never written. */
export function releaseBuffers(after: AfterWrite): void {
  const releases = after.releases;
  after.releases = [];
  for (const release of releases) release();
}

/** The AfterWrite a handler attached to its response, if any. */
export function afterWriteOf(response: unknown): AfterWrite | null {
  if (typeof response !== 'object' || response === null || !(AFTER_WRITE in response)) return null;
  return (response as { [AFTER_WRITE]: AfterWrite })[AFTER_WRITE];
}
