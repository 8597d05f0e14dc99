// One lane per partition: a partition's messages are handled one after another in offset order
// (per-key order matters), while different partitions are handled concurrently. A lane hands over
// what has queued up since its last call, up to `maxBatch` items at once, so a busy partition is
// handled in batches and an idle one item by item, without waiting to fill a batch.

export interface LaneItem {
  topic: string;
  partition: number;
  offset: bigint;
}

interface Lane<Item extends LaneItem> {
  queue: Item[];
  running: Promise<void> | null;
  /** Items handed to `process` and not finished yet. */
  inFlight: number;
  /** Highest offset queued or handled: the fetcher re-reads from the last commit after a rebalance. */
  lastAccepted: bigint;
  /** Highest offset whose processing has started. */
  lastStarted: bigint;
  /** Set when processing threw: the lane stops rather than commit past a message it did not finish. */
  failed: boolean;
}

export interface PartitionLanes<Item extends LaneItem> {
  /** Queues the item behind its partition's earlier ones; false (and dropped) if already seen. */
  enqueue(item: Item): boolean;
  /** Items queued or being processed, over all partitions (for back-pressure). */
  size(): number;
  /** Drops the queued items of partitions this consumer no longer owns (after a rebalance). */
  retainOnly(isAssigned: (topic: string, partition: number) => boolean): void;
  /** Drops every queued item that has not started (shutdown: they stay uncommitted and come again). */
  clearQueued(): void;
  /** Resolves when no item is being processed. */
  idle(): Promise<void>;
}

export interface PartitionLanesOptions<Item extends LaneItem> {
  /**
   * Handles consecutive items of one partition, in offset order; should not throw (a throw stops the
   * items' partition, see Lane.failed).
   */
  process: (items: Item[]) => Promise<void>;
  /** The most items one `process` call gets; default 1. */
  maxBatch?: number;
  /** Called after each item is done, to release back-pressure. */
  onDone?: () => void;
  onError: (error: unknown, item: Item) => void;
}

export function createPartitionLanes<Item extends LaneItem>(
  options: PartitionLanesOptions<Item>,
): PartitionLanes<Item> {
  const onDone = options.onDone ?? (() => {});
  const maxBatch = Math.max(1, options.maxBatch ?? 1);
  const lanes = new Map<string, Lane<Item>>();

  function laneOf(item: LaneItem): Lane<Item> {
    const key = `${item.topic}:${item.partition}`;
    let lane = lanes.get(key);
    if (!lane) {
      lane = { queue: [], running: null, inFlight: 0, lastAccepted: -1n, lastStarted: -1n, failed: false };
      lanes.set(key, lane);
    }
    return lane;
  }

  async function run(lane: Lane<Item>): Promise<void> {
    for (
      let batch = lane.queue.splice(0, maxBatch);
      batch.length > 0;
      batch = lane.queue.splice(0, maxBatch)
    ) {
      lane.lastStarted = batch.at(-1)?.offset ?? lane.lastStarted;
      lane.inFlight = batch.length;
      try {
        await options.process(batch);
      } catch (error) {
        lane.failed = true;
        lane.queue = [];
        options.onError(error, batch[0] as Item);
      } finally {
        lane.inFlight = 0;
        onDone();
      }
    }
  }

  function start(lane: Lane<Item>): void {
    lane.running = run(lane).finally(() => {
      lane.running = null;
      if (lane.queue.length > 0) start(lane);
    });
  }

  return {
    enqueue(item) {
      const lane = laneOf(item);
      if (lane.failed || item.offset <= lane.lastAccepted) return false;
      lane.lastAccepted = item.offset;
      lane.queue.push(item);
      if (!lane.running) start(lane);
      return true;
    },
    size() {
      let total = 0;
      for (const lane of lanes.values()) total += lane.queue.length + lane.inFlight;
      return total;
    },
    retainOnly(isAssigned) {
      for (const lane of lanes.values()) {
        const first = lane.queue[0];
        if (!first || isAssigned(first.topic, first.partition)) continue;
        lane.queue = [];
        // Forget the dropped ones so they are accepted again if the partition comes back to us.
        lane.lastAccepted = lane.lastStarted;
      }
    },
    clearQueued() {
      for (const lane of lanes.values()) lane.queue = [];
    },
    async idle() {
      for (;;) {
        const running = [...lanes.values()].map((lane) => lane.running).filter((p) => p !== null);
        if (running.length === 0) return;
        await Promise.all(running);
      }
    },
  };
}
