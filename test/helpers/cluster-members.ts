/** Broker processes of a multi-broker test: each keeps its id, port and data dir across restarts. */
import { freePort, startChildBroker, tempDir, type ChildBroker } from './broker.js';

export interface ClusterMember {
  id: number;
  port: number;
  dataDir: string;
  child: ChildBroker | null;
  /** SIGSTOPped: asked for nothing until resumed. */
  paused?: boolean;
}

/** Members with these ids, each on a free port with a fresh data dir; none started. */
export async function newMembers(ids: readonly number[], dirPrefix: string): Promise<ClusterMember[]> {
  const members: ClusterMember[] = [];
  for (const id of ids) members.push({ id, port: await freePort(), dataDir: tempDir(`${dirPrefix}${id}-`), child: null });
  return members;
}

/** Starts `member` as a broker of the cluster whose etcd is at `etcdEndpoint`, with `args` added. */
export function startMember(member: ClusterMember, etcdEndpoint: string, args: readonly string[]): Promise<ChildBroker> {
  return startChildBroker(member.dataDir, member.port, ['--broker-id', String(member.id), '--etcd', etcdEndpoint, ...args]).then(
    (child) => (member.child = child),
  );
}

/** Sends `signal` to the member's process and waits for it to exit; nothing when it is not running. */
export async function stopMember(member: ClusterMember, signal: NodeJS.Signals): Promise<void> {
  const child = member.child;
  member.child = null;
  if (!child || child.child.exitCode !== null) return;
  child.child.kill(signal);
  await child.exited;
}
