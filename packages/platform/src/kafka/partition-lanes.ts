// One lane per partition: a partition's messages are handled one after another in offset order
// (per-key order matters), while different partitions are handled concurrently.

export interface LaneItem {
  topic: string;
  partition: number;
  offset: bigint;
}

interface Lane<Item extends LaneItem> {
  queue: Item[];
  running: Promise<void> | null;
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
  /** Handles one item; should not throw (a throw stops the item's partition, see Lane.failed). */
  process: (item: Item) => Promise<void>;
  /** Called after each item is done, to release back-pressure. */
  onDone?: () => void;
  onError: (error: unknown, item: Item) => void;
}

export function createPartitionLanes<Item extends LaneItem>(
  options: PartitionLanesOptions<Item>,
): PartitionLanes<Item> {
  const onDone = options.onDone ?? (() => {});
  const lanes = new Map<string, Lane<Item>>();

  function laneOf(item: LaneItem): Lane<Item> {
    const key = `${item.topic}:${item.partition}`;
    let lane = lanes.get(key);
    if (!lane) {
      lane = { queue: [], running: null, lastAccepted: -1n, lastStarted: -1n, failed: false };
      lanes.set(key, lane);
    }
    return lane;
  }

  async function run(lane: Lane<Item>): Promise<void> {
    for (let item = lane.queue.shift(); item; item = lane.queue.shift()) {
      lane.lastStarted = item.offset;
      try {
        await options.process(item);
      } catch (error) {
        lane.failed = true;
        lane.queue = [];
        options.onError(error, item);
      } finally {
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
      for (const lane of lanes.values()) total += lane.queue.length + (lane.running ? 1 : 0);
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
