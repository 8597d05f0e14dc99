import { get } from '../../common/api.ts';
import { Loading, money, useLoad } from '../../common/ui.tsx';
import { addToCart } from '../cart.ts';
import type { Product } from '../types.ts';

export function available(product: Product): number {
  return Math.max(0, product.stock - product.reserved);
}

export function Catalog() {
  const products = useLoad(() => get<{ products: Product[] }>('/api/v1/products'), []);
  return (
    <>
      <h1>Catalog</h1>
      <Loading loaded={products}>
        {({ products: list }) => (
          <ul class="grid" style="list-style:none;padding:0">
            {list.map((product) => (
              <li class="card" key={product.sku}>
                <h2>{product.name}</h2>
                <p class="muted">{product.sku}</p>
                <p>
                  <strong>{money(product.unitPrice, product.currency)}</strong>
                </p>
                <p>{available(product) > 0 ? `${available(product)} available` : 'Out of stock'}</p>
                <button
                  type="button"
                  disabled={available(product) === 0}
                  aria-label={`Add ${product.name} to the cart`}
                  onClick={() => addToCart(product.sku)}
                >
                  Add to cart
                </button>
              </li>
            ))}
          </ul>
        )}
      </Loading>
    </>
  );
}
