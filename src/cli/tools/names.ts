/** The client tools' names and one-line descriptions (kept apart so `brook start` loads no client code). */
export const TOOL_COMMANDS: ReadonlyMap<string, string> = new Map([
  ['topics', 'list, create, describe, alter and delete topics'],
  ['produce', 'write stdin lines to a topic'],
  ['consume', 'print records of a topic'],
  ['groups', 'list, describe, reset offsets of and delete consumer groups'],
  ['configs', 'describe and alter topic and broker configs'],
  ['perf', 'producer and consumer throughput tests'],
  ['acls', 'add, list and remove ACLs'],
  ['users', 'manage users\' SCRAM credentials'],
  ['quotas', 'set and describe client quotas'],
]);
