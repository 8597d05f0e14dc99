// Where an offset reset puts a group on a topic (pure): to the log start, the log end, the first
// record at or after a time, or an offset the operator gives per partition — and what that means per
// partition: how many records the group will read again (replayed) or never read (skipped). On a
// compacted or transactional topic offsets have gaps, so the counts are offset distances: at most
// that many records.

export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'timestamp'; timestamp: string }
  | { kind: 'offsets'; offsets: readonly { partition: number; offset: bigint }[] };

export interface PartitionPosition {
  partition: number;
  start: bigint;
  end: bigint;
  /** The group's committed offset; null when it never committed there (it starts at the log start). */
  committed: bigint | null;
  /** With a timestamp target: the first offset at or after it (the end where there is none). */
  atTime?: bigint;
}

export interface PartitionReset {
  partition: number;
  current: bigint | null;
  next: bigint;
  replayed: bigint;
  skipped: bigint;
}

export type ResetPlan =
  | { ok: true; partitions: PartitionReset[] }
  | { ok: false; field: string; message: string };

export function planReset(target: ResetTarget, positions: readonly PartitionPosition[]): ResetPlan {
  if (target.kind === 'offsets') return planOffsets(target.offsets, positions);
  return {
    ok: true,
    partitions: positions.map((p) =>
      moved(p, target.kind === 'earliest' ? p.start : target.kind === 'latest' ? p.end : (p.atTime ?? p.end)),
    ),
  };
}

function planOffsets(
  offsets: readonly { partition: number; offset: bigint }[],
  positions: readonly PartitionPosition[],
): ResetPlan {
  const partitions: PartitionReset[] = [];
  for (const [index, wanted] of offsets.entries()) {
    const position = positions.find((p) => p.partition === wanted.partition);
    if (position === undefined)
      return { ok: false, field: `offsets[${index}].partition`, message: 'the topic has no such partition' };
    if (partitions.some((p) => p.partition === wanted.partition))
      return { ok: false, field: `offsets[${index}].partition`, message: 'this partition is named twice' };
    if (wanted.offset < position.start || wanted.offset > position.end)
      return {
        ok: false,
        field: `offsets[${index}].offset`,
        message: `must be between ${position.start} and ${position.end} (the log start and end)`,
      };
    partitions.push(moved(position, wanted.offset));
  }
  return { ok: true, partitions };
}

function moved(position: PartitionPosition, next: bigint): PartitionReset {
  const from = position.committed ?? position.start;
  return {
    partition: position.partition,
    current: position.committed,
    next,
    replayed: next < from ? from - next : 0n,
    skipped: next > from ? next - from : 0n,
  };
}
