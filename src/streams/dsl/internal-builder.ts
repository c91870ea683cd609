/** The state shared by StreamsBuilder and the DSL objects it hands out: the topology and node naming. */
import { Topology } from '../topology.js';

export class InternalBuilder {
  readonly topology = new Topology();
  private index = 0;

  /** Kafka-style generated names: KSTREAM-FILTER-0000000003. */
  newName(prefix: string): string {
    return `${prefix}-${String(this.index++).padStart(10, '0')}`;
  }

  newStoreName(prefix: string): string {
    return `${prefix}-STATE-STORE-${String(this.index++).padStart(10, '0')}`;
  }
}
