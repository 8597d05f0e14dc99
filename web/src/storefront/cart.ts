import { useEffect, useState } from 'preact/hooks';

// The cart lives in this tab's sessionStorage: sku → quantity. Prices are never kept here; the
// catalog's are shown and the server fixes them when the order is placed.

export type Cart = Record<string, number>;

const key = 'microshop.cart';
const listeners = new Set<(cart: Cart) => void>();

export function readCart(): Cart {
  try {
    return JSON.parse(sessionStorage.getItem(key) ?? '{}') as Cart;
  } catch {
    return {};
  }
}

export function writeCart(cart: Cart): void {
  const kept = Object.fromEntries(Object.entries(cart).filter(([, quantity]) => quantity > 0));
  sessionStorage.setItem(key, JSON.stringify(kept));
  for (const listener of listeners) listener(kept);
}

export function addToCart(sku: string, quantity = 1): void {
  const cart = readCart();
  writeCart({ ...cart, [sku]: (cart[sku] ?? 0) + quantity });
}

export function useCart(): Cart {
  const [cart, setCart] = useState(readCart);
  useEffect(() => {
    listeners.add(setCart);
    return () => listeners.delete(setCart);
  }, []);
  return cart;
}
