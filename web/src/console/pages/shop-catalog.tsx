import { useState } from 'preact/hooks';
import { get } from '../../common/api.ts';
import { Loading, money, Table, time, useLoad } from '../../common/ui.tsx';
import type { Product } from '../../storefront/types.ts';

// The catalog with price and stock, and each product's audit trail: every change an operator made to
// its name, price, currency or stock, with who, when, before and after (inventory's catalog audit).

interface AuditEntry {
  field: string;
  from: unknown;
  to: unknown;
  by: string;
  at: string;
}

export function Catalog({ products }: { products: Product[] }) {
  return (
    <Table
      head={['Sku', 'Name', 'Price', 'Stock', 'Reserved', 'Changes']}
      rows={products}
      rowKey={(p) => p.sku}
      rowTestId="catalog-row"
      cells={(p) => [
        p.sku,
        p.name,
        money(p.unitPrice, p.currency),
        p.stock,
        p.reserved,
        <ProductAudit key="audit" product={p} />,
      ]}
    />
  );
}

/** Loads the audit trail when first opened: one request per product an operator looks at. */
function ProductAudit({ product }: { product: Product }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}>
      <summary>Audit of {product.sku}</summary>
      {open && <AuditTrail sku={product.sku} currency={product.currency} />}
    </details>
  );
}

function AuditTrail({ sku, currency }: { sku: string; currency: string }) {
  const audit = useLoad(
    () => get<{ entries: AuditEntry[] }>(`/api/v1/products/${encodeURIComponent(sku)}/audit?limit=50`),
    [sku],
  );
  const shown = (field: string, value: unknown) =>
    value === null || value === undefined
      ? '—'
      : field === 'unitPrice' && typeof value === 'number'
        ? money(value, currency)
        : String(value);
  return (
    <Loading loaded={audit}>
      {({ entries }) =>
        entries.length === 0 ? (
          <p class="muted">No change by an operator yet.</p>
        ) : (
          <ul data-testid="product-audit">
            {entries.map((entry) => (
              <li key={`${entry.at}-${entry.field}`}>
                {time(entry.at)} · {entry.by} · {entry.field}: {shown(entry.field, entry.from)} →{' '}
                {shown(entry.field, entry.to)}
              </li>
            ))}
          </ul>
        )
      }
    </Loading>
  );
}
