import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPartitionLanes, type LaneItem } from '../src/kafka/partition-lanes.ts';

const item = (partition: number, offset: number): LaneItem => ({
  topic: 't',
  partition,
  offset: BigInt(offset),
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** Lanes whose items finish only when the test releases them (offset 13 then throws), recording what ran. */
function controlledLanes() {
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const errors: unknown[] = [];
  const lanes = createPartitionLanes<LaneItem>({
    process: ([i]) => {
      assert.ok(i);
      const name = `${i.partition}@${i.offset}`;
      started.push(name);
      return new Promise<void>((resolve, reject) => {
        releases.set(name, () => (i.offset === 13n ? reject(new Error('bug')) : resolve()));
      });
    },
    onError: (error) => errors.push(error),
  });
  const release = async (name: string) => {
    const fn = releases.get(name);
    assert.ok(fn, `${name} has not started`);
    fn();
    await tick();
  };
  return { lanes, started, release, errors };
}

describe('partition lanes', () => {
  it("handles a partition's items one after another in offset order", async () => {
    const { lanes, started, release } = controlledLanes();
    lanes.enqueue(item(0, 1));
    lanes.enqueue(item(0, 2));
    await tick();
    assert.deepEqual(started, ['0@1']);
    await release('0@1');
    assert.deepEqual(started, ['0@1', '0@2']);
  });

  it('handles different partitions concurrently', async () => {
    const { lanes, started } = controlledLanes();
    lanes.enqueue(item(0, 1));
    lanes.enqueue(item(1, 1));
    await tick();
    assert.deepEqual(started, ['0@1', '1@1']);
  });

  it('skips an item whose offset it has already accepted (a re-fetch after a rebalance)', async () => {
    const { lanes, started, release } = controlledLanes();
    assert.equal(lanes.enqueue(item(0, 5)), true);
    assert.equal(lanes.enqueue(item(0, 5)), false);
    assert.equal(lanes.enqueue(item(0, 4)), false);
    await release('0@5');
    assert.deepEqual(started, ['0@5']);
  });

  it('drops the queued items of a revoked partition but lets its running item finish', async () => {
    const { lanes, started, release } = controlledLanes();
    lanes.enqueue(item(0, 1));
    lanes.enqueue(item(0, 2));
    lanes.enqueue(item(1, 1));
    lanes.enqueue(item(1, 2));
    lanes.retainOnly((_topic, partition) => partition === 1);
    await release('0@1');
    await release('1@1');
    assert.deepEqual(started, ['0@1', '1@1', '1@2']);
    assert.equal(
      lanes.enqueue(item(0, 2)),
      true,
      'a dropped item is accepted again when the partition comes back',
    );
  });

  it('counts queued and running items, and idle() waits for the running ones', async () => {
    const { lanes, release } = controlledLanes();
    lanes.enqueue(item(0, 1));
    lanes.enqueue(item(0, 2));
    assert.equal(lanes.size(), 2);
    lanes.clearQueued();
    assert.equal(lanes.size(), 1);
    let idle = false;
    const waiting = lanes.idle().then(() => {
      idle = true;
    });
    await tick();
    assert.equal(idle, false);
    await release('0@1');
    await waiting;
    assert.equal(lanes.size(), 0);
  });

  it('stops a partition whose processing threw instead of going on past the unfinished item', async () => {
    const { lanes, started, release, errors } = controlledLanes();
    lanes.enqueue(item(0, 13));
    lanes.enqueue(item(0, 14));
    await release('0@13');
    assert.equal(errors.length, 1);
    assert.equal(lanes.enqueue(item(0, 15)), false);
    assert.deepEqual(started, ['0@13']);
  });

  it('hands over what queued up while the lane was busy, up to maxBatch items at once, in offset order', async () => {
    const batches: string[][] = [];
    const releases: (() => void)[] = [];
    const lanes = createPartitionLanes<LaneItem>({
      maxBatch: 3,
      process: (items) => {
        batches.push(items.map((i) => `${i.partition}@${i.offset}`));
        return new Promise<void>((resolve) => releases.push(resolve));
      },
      onError: () => {},
    });
    lanes.enqueue(item(0, 1));
    for (const offset of [2, 3, 4, 5]) lanes.enqueue(item(0, offset));
    assert.equal(lanes.size(), 5);
    releases.shift()?.();
    await tick();
    releases.shift()?.();
    await tick();
    releases.shift()?.();
    await lanes.idle();

    assert.deepEqual(batches, [['0@1'], ['0@2', '0@3', '0@4'], ['0@5']]);
  });
});
