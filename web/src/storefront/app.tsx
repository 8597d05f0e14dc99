import { useLocation } from '../common/router.ts';
import { type Session, signOut } from '../common/session.ts';
import { Shell, useSession } from '../common/shell.tsx';
import { useCart } from './cart.ts';
import { SignIn, SignUp } from './pages/account.tsx';
import { CartPage } from './pages/cart.tsx';
import { Catalog } from './pages/catalog.tsx';
import { OrderPage } from './pages/order.tsx';
import { OrdersPage } from './pages/orders.tsx';

export function App() {
  const { path } = useLocation();
  const session = useSession();
  const cart = useCart();
  const items = Object.values(cart).reduce((sum, quantity) => sum + quantity, 0);
  const current = (href: string) => (path === href ? 'page' : undefined);
  const nav = (
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
  );
  return (
    <Shell brand="microshop" home="/" nav={nav}>
      {page(path, session)}
    </Shell>
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
