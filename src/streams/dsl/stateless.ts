/** The processor behind every stateless DSL step: a function given each record and a forward callback. */
import type { Processor, ProcessorContext, ProcessorSupplier } from '../processor.js';
import type { StreamRecord } from '../record.js';

export type Step<KIn, VIn, KOut, VOut> = (record: StreamRecord<KIn, VIn>, forward: (record: StreamRecord<KOut, VOut>) => void) => void;

export function statelessSupplier<KIn, VIn, KOut, VOut>(step: Step<KIn, VIn, KOut, VOut>): ProcessorSupplier<KIn, VIn, KOut, VOut> {
  return (): Processor<KIn, VIn, KOut, VOut> => {
    let forward: (record: StreamRecord<KOut, VOut>) => void = () => {};
    return {
      init(context: ProcessorContext<KOut, VOut>) {
        forward = (record) => context.forward(record);
      },
      process(record) {
        step(record, forward);
      },
    };
  };
}

/** Passes records through unchanged (merge and split branches). */
export function passThroughSupplier<K, V>(): ProcessorSupplier<K, V, K, V> {
  return statelessSupplier<K, V, K, V>((record, forward) => forward(record));
}
