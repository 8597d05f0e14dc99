// A pseudo-random source (mulberry32) started from a number: the same number gives the same fault schedule, targets
// and durations, so a chaos run that found something can be run again as it was.

export interface Random {
  /** In [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
}

export function scheduledRandom(start: number): Random {
  let state = start >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const between = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    between,
    pick(items) {
      const item = items[between(0, items.length - 1)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = between(0, i);
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    },
  };
}

/**
 * The kinds of `count` faults in order: every kind once first (in a shuffled order), then kinds at
 * random, so even a short run meets each kind.
 */
export function faultKinds<K>(kinds: readonly K[], count: number, random: Random): K[] {
  const first = random.shuffle(kinds).slice(0, count);
  const rest = Array.from({ length: Math.max(0, count - kinds.length) }, () => random.pick(kinds));
  return [...first, ...rest];
}
