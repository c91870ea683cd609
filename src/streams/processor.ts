/** The Processor API: the unit the DSL compiles to, and what users can plug in themselves. */
import type { StreamRecord } from './record.js';
import type { StateStore } from './stores/state-store.js';
import type { Cancellable, PunctuationType, Punctuator } from './punctuation.js';

export interface ProcessorContext<KOut = unknown, VOut = unknown> {
  /** "<subtopology>_<partition>"; this slice has one sub-topology, so "0_<partition>". */
  readonly taskId: string;
  readonly applicationId: string;
  /** Sends a record to every child node, or only to the named one. */
  forward(record: StreamRecord<KOut, VOut>, childName?: string): void;
  getStateStore<S extends StateStore>(name: string): S;
  /** Largest record timestamp this task has seen (-1 before any). */
  streamTimeMs(): number;
  /** Where the record being processed came from (null outside processing). */
  recordMetadata(): { topic: string; partition: number; offset: number } | null;
  /** Counts a record dropped on purpose (late, null key...); tests and metrics read it. */
  recordDropped(reason: string): void;
  /**
   * Calls `punctuator` every `intervalMs` of stream time (driven by record timestamps) or of
   * wall-clock time; records it forwards go to this processor's children.
   */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** Wall-clock time as the runtime (or the test driver) sees it. */
  currentSystemTimeMs(): number;
}

export interface Processor<KIn, VIn, KOut = KIn, VOut = VIn> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}

/** A new processor per task: processors hold per-task state (store handles, counters). */
export type ProcessorSupplier<KIn, VIn, KOut = KIn, VOut = VIn> = () => Processor<KIn, VIn, KOut, VOut>;
