/**
 * Messages and bytes in/out per topic. One counters object per topic, created the first time the
 * topic sees traffic and reused after, so counting costs a map lookup and a few additions.
 */
export interface TopicCounters {
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

export class TopicTraffic {
  private readonly byTopic = new Map<string, TopicCounters>();

  counters(topic: string): TopicCounters {
    let c = this.byTopic.get(topic);
    if (c === undefined) {
      c = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 };
      this.byTopic.set(topic, c);
    }
    return c;
  }

  entries(): Iterable<[string, TopicCounters]> {
    return this.byTopic.entries();
  }

  /** A deleted topic stops being reported (a re-created one starts from zero, like Kafka). */
  forget(topic: string): void {
    this.byTopic.delete(topic);
  }
}
