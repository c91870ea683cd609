/** Total bytes of a record set given as one Buffer or as chunks (null: none). */
export function byteLengthOf(records: Buffer | readonly Buffer[] | null | undefined): number {
  if (!records) return 0;
  if (Buffer.isBuffer(records)) return records.length;
  let bytes = 0;
  for (const chunk of records) bytes += chunk.length;
  return bytes;
}
