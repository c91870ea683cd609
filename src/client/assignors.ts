/**
 * Partition assignors for consumer groups, run by the group leader (as in Kafka: the broker only
 * relays). Same algorithms and names as the Java client: "range", "roundrobin",
 * "cooperative-sticky".
 */

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface MemberSubscription {
  memberId: string;
  groupInstanceId: string | null;
  topics: string[];
  /** What the member owned in its last generation (cooperative protocol). */
  ownedPartitions: TopicPartitions[];
  generationId: number;
}

/** memberId -> topic -> partitions. */
export type GroupAssignment = Map<string, Map<string, number[]>>;

export interface Assignor {
  readonly name: string;
  /** Cooperative assignors let members keep partitions across a rebalance (KIP-429). */
  readonly cooperative: boolean;
  assign(members: MemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): GroupAssignment;
}

function emptyAssignment(members: MemberSubscription[]): GroupAssignment {
  return new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]));
}

function add(assignment: GroupAssignment, memberId: string, topic: string, partition: number): void {
  const topics = assignment.get(memberId)!;
  let list = topics.get(topic);
  if (!list) topics.set(topic, (list = []));
  list.push(partition);
}

/** Members ordered as Java orders them: static members by instance id, then dynamic by member id. */
function sortMembers(members: MemberSubscription[]): MemberSubscription[] {
  return [...members].sort((a, b) => {
    const ka = a.groupInstanceId ?? `\uffff${a.memberId}`;
    const kb = b.groupInstanceId ?? `\uffff${b.memberId}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Per topic, consecutive ranges: the first (n % m) members get one extra partition. */
export const rangeAssignor: Assignor = {
  name: 'range',
  cooperative: false,
  assign(members, partitionsPerTopic) {
    const assignment = emptyAssignment(members);
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined) continue;
      const subscribers = sortMembers(members.filter((m) => m.topics.includes(topic)));
      const per = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      subscribers.forEach((m, i) => {
        const start = per * i + Math.min(i, extra);
        const length = per + (i < extra ? 1 : 0);
        for (let p = start; p < start + length; p++) add(assignment, m.memberId, topic, p);
      });
    }
    return assignment;
  },
};

/** All partitions sorted by topic then partition, dealt to members in turn (skipping non-subscribers). */
export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  cooperative: false,
  assign(members, partitionsPerTopic) {
    const assignment = emptyAssignment(members);
    const sorted = sortMembers(members);
    if (sorted.length === 0) return assignment;
    const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => partitionsPerTopic.has(t)).sort();
    let next = 0;
    for (const topic of topics) {
      for (let p = 0; p < partitionsPerTopic.get(topic)!; p++) {
        for (let tries = 0; tries < sorted.length; tries++) {
          const m = sorted[next % sorted.length]!;
          next++;
          if (m.topics.includes(topic)) {
            add(assignment, m.memberId, topic, p);
            break;
          }
        }
      }
    }
    return assignment;
  },
};

/**
 * Sticky: members keep what they owned (valid, still subscribed, highest generation wins a
 * dispute) up to a balanced quota; the rest goes to the least-loaded subscriber. The cooperative
 * step (a partition moving between members is withheld for one round) is applied by the group
 * code, as Java's ConsumerCoordinator does.
 */
export const cooperativeStickyAssignor: Assignor = {
  name: 'cooperative-sticky',
  cooperative: true,
  assign(members, partitionsPerTopic) {
    const assignment = emptyAssignment(members);
    const counts = new Map<string, number>(members.map((m) => [m.memberId, 0]));
    const all: Array<[string, number]> = [];
    const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => partitionsPerTopic.has(t)).sort();
    for (const t of topics) for (let p = 0; p < partitionsPerTopic.get(t)!; p++) all.push([t, p]);
    const maxQuota = members.length === 0 ? 0 : Math.ceil(all.length / members.length);
    const minQuota = members.length === 0 ? 0 : Math.floor(all.length / members.length);
    let atMax = members.length === 0 ? 0 : all.length % members.length;

    // Highest generation claims each owned partition.
    const claimed = new Map<string, MemberSubscription>();
    for (const m of [...members].sort((a, b) => b.generationId - a.generationId)) {
      for (const tp of m.ownedPartitions) {
        if (!m.topics.includes(tp.topic) || !partitionsPerTopic.has(tp.topic)) continue;
        for (const p of tp.partitions) {
          if (p >= partitionsPerTopic.get(tp.topic)!) continue;
          const k = `${tp.topic}\0${p}`;
          if (!claimed.has(k)) claimed.set(k, m);
        }
      }
    }
    const taken = new Set<string>();
    for (const m of sortMembers(members)) {
      const mine = [...claimed].filter(([, owner]) => owner === m).map(([k]) => k);
      let quota = minQuota;
      if (mine.length > minQuota && atMax > 0) {
        quota = maxQuota;
        atMax--;
      }
      for (const k of mine.slice(0, quota)) {
        const [topic, p] = k.split('\0') as [string, string];
        add(assignment, m.memberId, topic, Number(p));
        counts.set(m.memberId, counts.get(m.memberId)! + 1);
        taken.add(k);
      }
    }
    const sorted = sortMembers(members);
    for (const [topic, p] of all) {
      if (taken.has(`${topic}\0${p}`)) continue;
      let best: MemberSubscription | null = null;
      for (const m of sorted) {
        if (!m.topics.includes(topic)) continue;
        if (best === null || counts.get(m.memberId)! < counts.get(best.memberId)!) best = m;
      }
      if (!best) continue;
      add(assignment, best.memberId, topic, p);
      counts.set(best.memberId, counts.get(best.memberId)! + 1);
    }
    return assignment;
  },
};

export const builtInAssignors: Record<string, Assignor> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  'cooperative-sticky': cooperativeStickyAssignor,
};

/**
 * KIP-429 adjustment for the cooperative protocol: a partition owned by another member in the
 * previous generation is withheld this round; its owner revokes it and rejoins, and the next
 * rebalance hands it over.
 */
export function withholdTransfers(assignment: GroupAssignment, members: MemberSubscription[]): GroupAssignment {
  const owner = new Map<string, string>();
  for (const m of members) for (const tp of m.ownedPartitions) for (const p of tp.partitions) owner.set(`${tp.topic}\0${p}`, m.memberId);
  const out: GroupAssignment = new Map();
  for (const [memberId, topics] of assignment) {
    const kept = new Map<string, number[]>();
    for (const [topic, partitions] of topics) {
      const ok = partitions.filter((p) => {
        const prev = owner.get(`${topic}\0${p}`);
        return prev === undefined || prev === memberId;
      });
      if (ok.length > 0) kept.set(topic, ok);
    }
    out.set(memberId, kept);
  }
  return out;
}
