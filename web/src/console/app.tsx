import { useLocation } from '../common/router.ts';
import { isOperatorSession, type Session, signOut } from '../common/session.ts';
import { Shell, useSession } from '../common/shell.tsx';
import { SignIn } from '../storefront/pages/account.tsx';
import { Connect } from './pages/connect.tsx';
import { Audit, DeadLetters } from './pages/dead-letters.tsx';
import { Groups } from './pages/groups.tsx';
import { OrderFlow } from './pages/order-flow.tsx';
import { Shop } from './pages/shop.tsx';
import { Messages, Topics } from './pages/topics.tsx';

// The operator console: every view is a path under /console with its state in the query string.
// Operators only — the API says so too; this page only avoids showing a customer empty tables.

const sections = [
  ['/console/topics', 'Topics'],
  ['/console/groups', 'Consumer groups'],
  ['/console/connect', 'Connect'],
  ['/console/dead-letters', 'Dead letters'],
  ['/console/audit', 'Audit log'],
  ['/console/flow', 'Order flow'],
  ['/console/shop', 'Shop'],
] as const;

export function App() {
  const { path } = useLocation();
  const session = useSession();
  const nav = isOperatorSession(session) && (
    <nav aria-label="Console" class="row">
      {sections.map(([href, label]) => (
        <a key={href} href={href} aria-current={path.startsWith(href) ? 'page' : undefined}>
          {label}
        </a>
      ))}
      <button type="button" class="secondary" onClick={() => void signOut()}>
        Sign out
      </button>
    </nav>
  );
  return (
    <Shell brand="microshop console" home="/console" nav={nav}>
      {body(path, session)}
    </Shell>
  );
}

function body(path: string, session: Session | null) {
  if (session === null) return <SignIn />;
  if (!isOperatorSession(session)) {
    return (
      <p class="error" role="alert">
        The console is for operators. <a href="/">Go to the shop</a>
      </p>
    );
  }
  const topic = /^\/console\/topics\/([^/]+)$/.exec(path);
  if (topic?.[1]) return <Messages topic={decodeURIComponent(topic[1])} />;
  if (path.startsWith('/console/topics')) return <Topics />;
  if (path.startsWith('/console/groups')) return <Groups />;
  if (path.startsWith('/console/connect')) return <Connect />;
  if (path.startsWith('/console/dead-letters')) return <DeadLetters />;
  if (path.startsWith('/console/audit')) return <Audit />;
  if (path.startsWith('/console/flow')) return <OrderFlow />;
  if (path.startsWith('/console/shop')) return <Shop />;
  return <Topics />;
}
