/**
 * Decoder for PostgreSQL's `pgoutput` logical decoding messages (protocol version 1), as
 * returned by pg_logical_slot_peek_binary_changes: Begin, Commit, Relation, Insert, Update,
 * Delete (others are skipped). Tuple values arrive in text format and are converted by type OID.
 */
export interface RelationInfo {
  id: number;
  schema: string;
  table: string;
  columns: Array<{ name: string; typeOid: number; key: boolean }>;
}

export type PgOutputMessage =
  | { tag: 'begin'; finalLsn: bigint; xid: number }
  | { tag: 'commit'; commitLsn: bigint }
  | { tag: 'relation'; relation: RelationInfo }
  | { tag: 'insert' | 'update' | 'delete'; relationId: number; before: Record<string, unknown> | null; after: Record<string, unknown> | null }
  | { tag: 'other' };

/** 'X/Y' (pg_lsn text) <-> bigint. */
export function parseLsn(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

class Cursor {
  pos = 0;
  constructor(private readonly b: Buffer) {}
  u8(): number {
    return this.b.readUInt8(this.pos++);
  }
  i16(): number {
    const v = this.b.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    const v = this.b.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    const v = this.b.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  cstring(): string {
    const end = this.b.indexOf(0, this.pos);
    const s = this.b.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }
  bytes(n: number): Buffer {
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

const INT_OIDS = new Set([20, 21, 23]);
const FLOAT_OIDS = new Set([700, 701]);
const BOOL_OID = 16;

function textValue(text: string, typeOid: number): unknown {
  if (INT_OIDS.has(typeOid) || FLOAT_OIDS.has(typeOid)) return Number(text);
  if (typeOid === BOOL_OID) return text === 't';
  return text;
}

export function decodePgOutput(data: Buffer, relations: Map<number, RelationInfo>): PgOutputMessage {
  const c = new Cursor(data);
  const tag = String.fromCharCode(c.u8());
  switch (tag) {
    case 'B': {
      const finalLsn = c.u64();
      c.u64(); // commit timestamp
      return { tag: 'begin', finalLsn, xid: c.i32() };
    }
    case 'C':
      c.u8(); // flags
      return { tag: 'commit', commitLsn: c.u64() };
    case 'R': {
      const id = c.i32();
      const schema = c.cstring();
      const table = c.cstring();
      c.u8(); // replica identity
      const n = c.i16();
      const columns = [];
      for (let i = 0; i < n; i++) {
        const flags = c.u8();
        const name = c.cstring();
        const typeOid = c.i32();
        c.i32(); // type modifier
        columns.push({ name, typeOid, key: (flags & 1) === 1 });
      }
      return { tag: 'relation', relation: { id, schema, table, columns } };
    }
    case 'I': {
      const relationId = c.i32();
      c.u8(); // 'N'
      return { tag: 'insert', relationId, before: null, after: tuple(c, relations.get(relationId)) };
    }
    case 'U': {
      const relationId = c.i32();
      let kind = String.fromCharCode(c.u8());
      let before: Record<string, unknown> | null = null;
      if (kind === 'K' || kind === 'O') {
        before = tuple(c, relations.get(relationId));
        kind = String.fromCharCode(c.u8());
      }
      return { tag: 'update', relationId, before, after: tuple(c, relations.get(relationId)) };
    }
    case 'D': {
      const relationId = c.i32();
      c.u8(); // 'K' or 'O'
      return { tag: 'delete', relationId, before: tuple(c, relations.get(relationId)), after: null };
    }
    default:
      return { tag: 'other' };
  }
}

function tuple(c: Cursor, relation: RelationInfo | undefined): Record<string, unknown> {
  if (!relation) throw new Error('pgoutput: change for a relation not yet described');
  const n = c.i16();
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const col = relation.columns[i]!;
    const kind = String.fromCharCode(c.u8());
    if (kind === 'n') out[col.name] = null;
    else if (kind === 't') out[col.name] = textValue(c.bytes(c.i32()).toString('utf8'), col.typeOid);
    // 'u': an unchanged TOASTed value, not sent: left out.
  }
  return out;
}
