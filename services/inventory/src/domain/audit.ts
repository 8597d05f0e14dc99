import type { Product } from '@microshop/contracts';

/**
 * What the catalog audit records of an operator's change: one entry per field that changed, with
 * its value before (null for a product being created) and after. Pure.
 */

export const auditedFields = ['name', 'unitPrice', 'currency', 'stock'] as const;
export type AuditedField = (typeof auditedFields)[number];

export interface AuditedChange {
  field: AuditedField;
  from: string | number | null;
  to: string | number;
}

export function auditedChanges(before: Product | null, after: Product): AuditedChange[] {
  return auditedFields.flatMap((field): AuditedChange[] => {
    const from = before === null ? null : before[field];
    return from === after[field] ? [] : [{ field, from, to: after[field] }];
  });
}
