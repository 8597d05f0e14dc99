import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../../common/api.ts';
import { navigate } from '../../common/router.ts';
import type { Session } from '../../common/session.ts';
import { ErrorBox, Loading, money, useLoad } from '../../common/ui.tsx';
import { useCart, writeCart } from '../cart.ts';
import type { Order, Product } from '../types.ts';

// The cart and checkout. The payment sandbox's test card tokens are listed on the page: they are
// what a real provider's card form would hand back, and each makes the sandbox answer differently.

const testCards = [
  { token: 'tok_visa', meaning: 'The charge succeeds.' },
  { token: 'tok_chargeDeclined', meaning: 'The card is declined: the order ends FAILED.' },
  { token: 'tok_slow', meaning: 'The provider answers slowly; the charge still succeeds.' },
  { token: 'tok_error', meaning: 'The provider fails (5xx); payments retries, then gives up.' },
];

export function CartPage({ session }: { session: Session | null }) {
  const cart = useCart();
  const products = useLoad(() => get<{ products: Product[] }>('/api/v1/products'), []);
  const [token, setToken] = useState('tok_visa');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const skus = Object.keys(cart);

  async function checkout(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // The price shown is sent: if the catalog changed meanwhile the server refuses it (409) and names both.
      const prices = new Map(
        (products.value?.products ?? []).map((product) => [product.sku, product.unitPrice]),
      );
      const items = skus.map((sku) => ({ sku, quantity: cart[sku] ?? 0, unitPrice: prices.get(sku) ?? 0 }));
      const order = await post<Order>('/api/v1/orders', {
        items,
        currency: currencyOf(products.value?.products),
        payment: { token },
      });
      writeCart({});
      navigate(`/orders/${order.id}`);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null);
    } finally {
      setBusy(false);
    }
  }

  if (skus.length === 0)
    return (
      <>
        <h1>Cart</h1>
        <p>
          Your cart is empty. <a href="/">Browse the catalog</a>
        </p>
      </>
    );
  return (
    <>
      <h1>Cart</h1>
      <Loading loaded={products}>
        {({ products: list }) => (
          <form noValidate onSubmit={(event) => void checkout(event)}>
            <CartTable cart={cart} products={list} error={error} />
            <fieldset class="card">
              <legend>Payment (sandbox test cards)</legend>
              {testCards.map((card) => (
                <div key={card.token}>
                  <label>
                    <input
                      type="radio"
                      name="token"
                      value={card.token}
                      checked={token === card.token}
                      onChange={() => setToken(card.token)}
                    />{' '}
                    <code>{card.token}</code> — {card.meaning}
                  </label>
                </div>
              ))}
              {error?.fieldError('payment.token') && (
                <p class="field-error" role="alert">
                  {error.fieldError('payment.token')}
                </p>
              )}
            </fieldset>
            <ErrorBox error={error} />
            {session ? (
              <button type="submit" disabled={busy}>
                Place order
              </button>
            ) : (
              <p>
                <a href="/sign-in?next=/cart">Sign in</a> or <a href="/sign-up?next=/cart">sign up</a> to
                place the order.
              </p>
            )}
          </form>
        )}
      </Loading>
    </>
  );
}

function currencyOf(products: Product[] | undefined): string {
  return products?.[0]?.currency ?? 'EUR';
}

function CartTable(props: { cart: Record<string, number>; products: Product[]; error: ApiError | null }) {
  const bySku = new Map(props.products.map((product) => [product.sku, product]));
  const skus = Object.keys(props.cart);
  const total = skus.reduce((sum, sku) => sum + (bySku.get(sku)?.unitPrice ?? 0) * (props.cart[sku] ?? 0), 0);
  return (
    <div class="scroll">
      <table>
        <caption class="visually-hidden">Items in the cart</caption>
        <thead>
          <tr>
            <th>Product</th>
            <th>Quantity</th>
            <th>Price</th>
          </tr>
        </thead>
        <tbody>
          {skus.map((sku, index) => {
            const product = bySku.get(sku);
            const message = ['quantity', 'sku', 'unitPrice']
              .map((field) => props.error?.fieldError(`items[${index}].${field}`))
              .find((text) => text !== undefined);
            return (
              <tr key={sku}>
                <td>{product?.name ?? sku}</td>
                <td>
                  <label class="visually-hidden" for={`qty-${sku}`}>
                    Quantity of {product?.name ?? sku}
                  </label>
                  <input
                    id={`qty-${sku}`}
                    type="number"
                    min="0"
                    value={props.cart[sku]}
                    aria-invalid={message !== undefined}
                    onInput={(event) =>
                      writeCart({ ...props.cart, [sku]: Number((event.target as HTMLInputElement).value) })
                    }
                  />
                  {message && (
                    <p class="field-error" role="alert">
                      {message}
                    </p>
                  )}
                </td>
                <td>{product ? money(product.unitPrice * (props.cart[sku] ?? 0), product.currency) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th colSpan={2}>Total</th>
            <th>{money(total, props.products[0]?.currency ?? 'EUR')}</th>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
