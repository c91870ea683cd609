/**
 * `brook acls add|list|remove` (kafka-acls.sh): resources by --topic, --group, --cluster,
 * --transactional-id or --delegation-token, --resource-pattern-type literal|prefixed (list and
 * remove also any|match), principals by --allow-principal / --deny-principal, --operation
 * (repeatable; Kafka's names in any case), --host (default *).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  AclOperation,
  AclPermission,
  CLUSTER_NAME,
  PatternType,
  ResourceType,
  codeName,
  codeOf,
  type AclBinding,
  type AclFilter,
} from '../../security/acl.js';
import { collect, formatTable, withConnectionOptions, type ConnectionFlags, type ToolIO } from './common.js';
import { withAdmin } from './topics.js';

interface AclFlags extends ConnectionFlags {
  topic?: string;
  group?: string;
  cluster?: boolean;
  transactionalId?: string;
  delegationToken?: string;
  resourcePatternType: string;
  allowPrincipal?: string[];
  denyPrincipal?: string[];
  principal?: string;
  operation?: string[];
  host: string;
  output: 'text' | 'json';
}

function resourceOptions(cmd: Command, patternTypes: string[], defaultPattern: string): Command {
  return cmd
    .option('--topic <name>', 'a topic (or prefix), * for all')
    .option('--group <name>', 'a consumer group (or prefix), * for all')
    .option('--cluster', 'the cluster')
    .option('--transactional-id <id>', 'a transactional id (or prefix), * for all')
    .option('--delegation-token <id>', 'a delegation token')
    .addOption(new Option('--resource-pattern-type <type>', 'how the name matches').choices(patternTypes).default(defaultPattern));
}

/** The one resource the flags name, or null (any resource, for list/remove). */
function resourceOf(flags: AclFlags): { type: number; name: string } | null {
  const given: { type: number; name: string }[] = [];
  if (flags.topic !== undefined) given.push({ type: ResourceType.TOPIC, name: flags.topic });
  if (flags.group !== undefined) given.push({ type: ResourceType.GROUP, name: flags.group });
  if (flags.cluster) given.push({ type: ResourceType.CLUSTER, name: CLUSTER_NAME });
  if (flags.transactionalId !== undefined) given.push({ type: ResourceType.TRANSACTIONAL_ID, name: flags.transactionalId });
  if (flags.delegationToken !== undefined) given.push({ type: ResourceType.DELEGATION_TOKEN, name: flags.delegationToken });
  if (given.length > 1) throw new InvalidArgumentError('name one resource: --topic, --group, --cluster, --transactional-id or --delegation-token');
  return given[0] ?? null;
}

function operationsOf(flags: AclFlags, fallback: number): number[] {
  if (!flags.operation || flags.operation.length === 0) return [fallback];
  return flags.operation.map((name) => {
    const code = codeOf(AclOperation, name);
    if (code === undefined || code === AclOperation.UNKNOWN) throw new InvalidArgumentError(`unknown operation ${name}`);
    return code;
  });
}

function patternOf(flags: AclFlags): number {
  return codeOf(PatternType, flags.resourcePatternType)!;
}

/** (principal, permission) pairs from --allow-principal / --deny-principal. */
function principalsOf(flags: AclFlags): { principal: string; permissionType: number }[] {
  return [
    ...(flags.allowPrincipal ?? []).map((principal) => ({ principal, permissionType: AclPermission.ALLOW })),
    ...(flags.denyPrincipal ?? []).map((principal) => ({ principal, permissionType: AclPermission.DENY })),
  ];
}

function bindingsOf(flags: AclFlags): AclBinding[] {
  const resource = resourceOf(flags);
  if (!resource) throw new InvalidArgumentError('name a resource: --topic, --group, --cluster, --transactional-id or --delegation-token');
  const principals = principalsOf(flags);
  if (principals.length === 0) throw new InvalidArgumentError('give --allow-principal and/or --deny-principal');
  const operations = operationsOf(flags, AclOperation.ALL);
  return principals.flatMap(({ principal, permissionType }) =>
    operations.map((operation) => ({
      resourceType: resource.type,
      resourceName: resource.name,
      patternType: patternOf(flags),
      principal,
      host: flags.host,
      operation,
      permissionType,
    })),
  );
}

/** Filters for list/remove: the flags given narrow it, the rest match anything. */
function filtersOf(flags: AclFlags): AclFilter[] {
  const resource = resourceOf(flags);
  const base = {
    resourceType: resource?.type ?? ResourceType.ANY,
    resourceName: resource?.name ?? null,
    patternType: patternOf(flags),
    host: flags.host === '*' && !flags.allowPrincipal && !flags.denyPrincipal ? null : flags.host,
  };
  const principals = principalsOf(flags);
  const who = principals.length > 0 ? principals : [{ principal: flags.principal ?? null, permissionType: AclPermission.ANY }];
  return who.flatMap(({ principal, permissionType }) =>
    operationsOf(flags, AclOperation.ANY).map((operation) => ({ ...base, principal, operation, permissionType })),
  );
}

export function formatAcl(a: AclBinding): string[] {
  return [
    codeName(ResourceType, a.resourceType),
    a.resourceName,
    codeName(PatternType, a.patternType),
    a.principal,
    a.host,
    codeName(AclOperation, a.operation),
    codeName(AclPermission, a.permissionType),
  ];
}

const HEADER = ['RESOURCE-TYPE', 'NAME', 'PATTERN', 'PRINCIPAL', 'HOST', 'OPERATION', 'PERMISSION'];

function printAcls(io: ToolIO, acls: AclBinding[], output: 'text' | 'json'): void {
  if (output === 'json') {
    io.stdout.write(JSON.stringify(acls.map((a) => Object.fromEntries(HEADER.map((h, i) => [h.toLowerCase(), formatAcl(a)[i]])))) + '\n');
    return;
  }
  io.stdout.write(formatTable(HEADER, acls.map(formatAcl)));
}

export function aclsCommand(io: ToolIO, run: (fn: () => Promise<void>) => void): Command {
  const acls = new Command('acls').description('add, list and remove ACLs');
  const principalOptions = (cmd: Command) =>
    cmd
      .option('--allow-principal <principal>', 'User:<name> allowed (repeatable)', collect)
      .option('--deny-principal <principal>', 'User:<name> denied (repeatable)', collect)
      .option('--operation <op>', 'Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All (repeatable)', collect)
      .option('--host <ip>', 'client address the ACL applies to', '*');

  principalOptions(resourceOptions(withConnectionOptions(acls.command('add').description('add ACLs')), ['literal', 'prefixed'], 'literal')).action((flags: AclFlags) =>
    run(() =>
      withAdmin(flags, io, async (admin) => {
        const bindings = bindingsOf(flags);
        await admin.createAcls(bindings);
        io.stdout.write(`Added ${bindings.length} ACL${bindings.length === 1 ? '' : 's'}:\n`);
        printAcls(io, bindings, 'text');
      }),
    ),
  );

  resourceOptions(withConnectionOptions(acls.command('list').description('list ACLs (all, or those matching the flags)')), ['any', 'match', 'literal', 'prefixed'], 'any')
    .option('--principal <principal>', 'only this principal\'s ACLs')
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: AclFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          const listed = (await Promise.all(filtersOf({ ...flags, host: '*' }).map((f) => admin.describeAcls(f)))).flat();
          printAcls(io, listed, flags.output);
        }),
      ),
    );

  principalOptions(resourceOptions(withConnectionOptions(acls.command('remove').description('remove the ACLs matching the flags')), ['any', 'match', 'literal', 'prefixed'], 'literal'))
    .option('--principal <principal>', 'only this principal\'s ACLs (any permission)')
    .action((flags: AclFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          if (!resourceOf(flags) && !flags.principal && !flags.allowPrincipal && !flags.denyPrincipal) {
            throw new InvalidArgumentError('name a resource or a principal (removing every ACL is not done by accident)');
          }
          const removed = (await admin.deleteAcls(filtersOf(flags))).flat();
          io.stdout.write(`Removed ${removed.length} ACL${removed.length === 1 ? '' : 's'}${removed.length > 0 ? ':' : '.'}\n`);
          if (removed.length > 0) printAcls(io, removed, 'text');
        }),
      ),
    );
  return acls;
}
