import { useEffect, useState } from 'preact/hooks';
import { onLinkClick, useLocation } from '../shared/router.ts';
import { currentSession, onSessionChange, type Session, signOut } from '../shared/session.ts';
import { useCart } from './cart.ts';
import { SignIn, SignUp } from './pages/account.tsx';
import { CartPage } from './pages/cart.tsx';
import { Catalog } from './pages/catalog.tsx';
import { OrderPage } from './pages/order.tsx';
import { OrdersPage } from './pages/orders.tsx';

export function useSession(): Session | null {
  const [session, setSession] = useState(currentSession);
  useEffect(() => onSessionChange(setSession), []);
  return session;
}

export function App() {
  const { path } = useLocation();
  const session = useSession();
  const cart = useCart();
  const items = Object.values(cart).reduce((sum, quantity) => sum + quantity, 0);
  const current = (href: string) => (path === href ? 'page' : undefined);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: delegates clicks on the links inside
    // biome-ignore lint/a11y/useKeyWithClickEvents: links keep their own keyboard behaviour
    <div onClick={onLinkClick}>
      <a class="visually-hidden" href="#main">
        Skip to content
      </a>
      <header class="bar">
        <a class="brand" href="/">
          microshop
        </a>
        <nav aria-label="Shop" class="row">
          <a href="/" aria-current={current('/')}>
            Catalog
          </a>
          <a href="/cart" aria-current={current('/cart')}>
            Cart ({items})
          </a>
          {session && (
            <a href="/orders" aria-current={current('/orders')}>
              My orders
            </a>
          )}
          {session ? (
            <button type="button" class="secondary" onClick={() => void signOut()}>
              Sign out
            </button>
          ) : (
            <>
              <a href="/sign-in">Sign in</a>
              <a href="/sign-up">Sign up</a>
            </>
          )}
        </nav>
      </header>
      <main id="main">{page(path, session)}</main>
    </div>
  );
}

function page(path: string, session: Session | null) {
  if (path === '/sign-in') return <SignIn />;
  if (path === '/sign-up') return <SignUp />;
  if (path === '/cart') return <CartPage session={session} />;
  if (path === '/orders') return session ? <OrdersPage session={session} /> : <SignIn />;
  const order = /^\/orders\/([0-9a-fA-F-]{36})$/.exec(path);
  if (order?.[1]) return session ? <OrderPage id={order[1]} /> : <SignIn />;
  if (path === '/' || path === '') return <Catalog />;
  return (
    <>
      <h1>Not found</h1>
      <p>
        There is no page at {path}. <a href="/">Back to the catalog</a>
      </p>
    </>
  );
}
