/**
 * Builds a connector's transformation chain from Kafka's config keys:
 *   transforms=a,b
 *   transforms.a.type=org.apache.kafka.connect.transforms.InsertField$Value   (or InsertField$Value)
 *   transforms.a.<own keys>...
 *   transforms.a.predicate=p   transforms.a.negate=true
 *   predicates=p   predicates.p.type=...TopicNameMatches   predicates.p.pattern=...
 */
import type { ConnectRecord } from '../api.js';
import { ConnectConfigError } from '../api.js';
import { ExtractField, InsertField, MaskField, ReplaceField, ValueToKey } from './field-transforms.js';
import { HasHeaderKey, type Predicate, RecordIsTombstone, TopicNameMatches } from './predicates.js';
import { RegexRouter, TimestampRouter } from './routers.js';
import { type Transformation, list } from './transformation.js';

/** Drops every record (used with a predicate). */
export class Filter implements Transformation {
  configure(): void {}
  apply(): null {
    return null;
  }
}

const TRANSFORMS: Record<string, () => Transformation> = {
  'InsertField$Key': () => new InsertField('key'),
  'InsertField$Value': () => new InsertField('value'),
  'ReplaceField$Key': () => new ReplaceField('key'),
  'ReplaceField$Value': () => new ReplaceField('value'),
  'MaskField$Key': () => new MaskField('key'),
  'MaskField$Value': () => new MaskField('value'),
  ValueToKey: () => new ValueToKey(),
  'ExtractField$Key': () => new ExtractField('key'),
  'ExtractField$Value': () => new ExtractField('value'),
  TimestampRouter: () => new TimestampRouter(),
  RegexRouter: () => new RegexRouter(),
  Filter: () => new Filter(),
};

const PREDICATES: Record<string, () => Predicate> = {
  TopicNameMatches: () => new TopicNameMatches(),
  HasHeaderKey: () => new HasHeaderKey(),
  RecordIsTombstone: () => new RecordIsTombstone(),
};

export const TRANSFORM_NAMES = Object.keys(TRANSFORMS);

const shortName = (cls: string) => cls.replace(/^org\.apache\.kafka\.connect\.transforms\.(predicates\.)?/, '');

function subConfig(config: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(config)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = config[k]!;
  return out;
}

interface Stage {
  transform: Transformation;
  predicate: Predicate | null;
  negate: boolean;
}

export class TransformationChain<R extends ConnectRecord = ConnectRecord> {
  constructor(private readonly stages: Stage[]) {}

  /** The transformed record, or null when a stage dropped it. */
  apply(record: R): R | null {
    let current: ConnectRecord | null = record;
    for (const s of this.stages) {
      if (current === null) return null;
      if (s.predicate && s.predicate.test(current) === s.negate) continue;
      current = s.transform.apply(current);
    }
    return current as R | null;
  }

  get size(): number {
    return this.stages.length;
  }
}

/** Throws ConnectConfigError naming the bad key (e.g. `transforms.a.type`). */
export function buildChain<R extends ConnectRecord>(config: Record<string, string>): TransformationChain<R> {
  const predicates = new Map<string, Predicate>();
  for (const alias of list(config, 'predicates')) {
    const typeKey = `predicates.${alias}.type`;
    const make = PREDICATES[shortName(config[typeKey] ?? '')];
    if (!make) throw new ConnectConfigError(`Invalid value ${config[typeKey] ?? 'null'} for configuration ${typeKey}: Class not found`, typeKey);
    const p = make();
    configureNamed(() => p.configure(subConfig(config, `predicates.${alias}.`)), `predicates.${alias}.`);
    predicates.set(alias, p);
  }
  const stages = list(config, 'transforms').map((alias): Stage => {
    const prefix = `transforms.${alias}.`;
    const typeKey = prefix + 'type';
    const make = TRANSFORMS[shortName(config[typeKey] ?? '')];
    if (!make) throw new ConnectConfigError(`Invalid value ${config[typeKey] ?? 'null'} for configuration ${typeKey}: Class not found`, typeKey);
    const transform = make();
    configureNamed(() => transform.configure(subConfig(config, prefix)), prefix);
    const predicateName = config[prefix + 'predicate'];
    let predicate: Predicate | null = null;
    if (predicateName !== undefined) {
      predicate = predicates.get(predicateName) ?? null;
      if (!predicate) throw new ConnectConfigError(`Invalid value ${predicateName} for configuration ${prefix}predicate: no predicate with that alias`, prefix + 'predicate');
    }
    return { transform, predicate, negate: (config[prefix + 'negate'] ?? 'false').trim() === 'true' };
  });
  return new TransformationChain<R>(stages);
}

/** Re-throws a transform's config error with the full key name. */
function configureNamed(fn: () => void, prefix: string): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConnectConfigError && err.field !== null && !err.field.startsWith(prefix)) throw new ConnectConfigError(err.message, prefix + err.field);
    throw err;
  }
}
