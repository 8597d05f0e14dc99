import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { onLinkClick } from './router.ts';
import { currentSession, onSessionChange, type Session } from './session.ts';

// What both apps are drawn in: a skip link for keyboard and screen-reader users, the header bar with
// the app's navigation, and the main region; links inside are followed without reloading the page.

export function useSession(): Session | null {
  const [session, setSession] = useState(currentSession);
  useEffect(() => onSessionChange(setSession), []);
  return session;
}

export function Shell(props: {
  brand: string;
  home: string;
  nav: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: delegates clicks on the links inside
    // biome-ignore lint/a11y/useKeyWithClickEvents: links keep their own keyboard behaviour
    <div onClick={onLinkClick}>
      <a class="visually-hidden" href="#main">
        Skip to content
      </a>
      <header class="bar">
        <a class="brand" href={props.home}>
          {props.brand}
        </a>
        {props.nav}
      </header>
      <main id="main">{props.children}</main>
    </div>
  );
}
