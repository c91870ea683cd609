export { buildChain, TransformationChain, Filter, TRANSFORM_NAMES } from './chain.js';
export type { Transformation } from './transformation.js';
export { InsertField, ReplaceField, MaskField, ValueToKey, ExtractField } from './field-transforms.js';
export { TimestampRouter, RegexRouter, formatTimestamp } from './routers.js';
export { TopicNameMatches, HasHeaderKey, RecordIsTombstone, type Predicate } from './predicates.js';
