import type { DiskSpool, SpoolEntry } from '../../exporters/spool';

/** Claims and acknowledges every entry of `spool`, oldest first, and returns them. */
export async function drain(spool: DiskSpool): Promise<SpoolEntry[]> {
  const out: SpoolEntry[] = [];
  for (let entry = await spool.claimOldest(); entry; entry = await spool.claimOldest()) {
    out.push(entry);
    await spool.ack(entry);
  }
  return out;
}
