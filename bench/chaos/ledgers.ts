// What the outside world recorded, read from the journals the payment sandbox and the mail sink keep
// under their DATA_DIR (JSON lines, on disk before they answer): every charge and refund the provider
// made, and every email the SMTP server accepted, the ones a restart or an emptying dropped from
// their lists included. The chaos audit trusts these over anything microshop says about itself.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceInstance } from '../../infra/src/apphost.ts';

export interface LedgerCharge {
  id: string;
  orderId: string | undefined;
  amount: number;
}

export interface ProviderLedger {
  /** Charges per order id (from the charge's metadata). */
  chargesByOrder: Map<string, LedgerCharge[]>;
  /** Amount refunded per charge id. */
  refundedByCharge: Map<string, number>;
}

function linesOf(file: string): unknown[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as unknown];
      } catch {
        return []; // a line torn by a crash mid-write: the journal skips it too
      }
    });
}

function dataDirOf(instances: readonly ServiceInstance[], service: string): string {
  const dir = instances.find((instance) => instance.service === service)?.env.DATA_DIR;
  if (dir === undefined) throw new Error(`the stack runs no ${service} with a data directory`);
  return dir;
}

interface KeyRecord {
  operation: 'charge' | 'refund';
  response: { status: number; body: Record<string, unknown> };
}

export function readProviderLedger(instances: readonly ServiceInstance[]): ProviderLedger {
  const ledger: ProviderLedger = { chargesByOrder: new Map(), refundedByCharge: new Map() };
  const records = linesOf(join(dataDirOf(instances, 'payment-sandbox'), 'ledger.jsonl')) as KeyRecord[];
  for (const { operation, response } of records) {
    const body = response.body;
    if (response.status >= 300) continue;
    if (operation === 'charge' && body.object === 'charge') {
      const orderId = (body.metadata as Record<string, string> | undefined)?.orderId;
      const charge = { id: String(body.id), orderId, amount: Number(body.amount) };
      const key = orderId ?? '(no order)';
      ledger.chargesByOrder.set(key, [...(ledger.chargesByOrder.get(key) ?? []), charge]);
    } else if (operation === 'refund' && body.object === 'refund') {
      const charge = String(body.charge);
      ledger.refundedByCharge.set(charge, (ledger.refundedByCharge.get(charge) ?? 0) + Number(body.amount));
    }
  }
  return ledger;
}

/** How many times the SMTP server accepted each Message-ID. */
export function readMailbox(instances: readonly ServiceInstance[]): Map<string, number> {
  const received = new Map<string, number>();
  const records = linesOf(join(dataDirOf(instances, 'mail-sink'), 'mailbox.jsonl')) as {
    type: string;
    mail?: { messageId: string | null };
  }[];
  for (const record of records) {
    const id = record.type === 'received' ? record.mail?.messageId : null;
    if (id) received.set(id, (received.get(id) ?? 0) + 1);
  }
  return received;
}
