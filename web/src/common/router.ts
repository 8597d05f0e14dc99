import { useEffect, useState } from 'preact/hooks';

// A small history router: the path names the page, the query string holds its state (a topic
// browser's cursor, a filter), so every view is a link that can be shared and reloaded.

const listeners = new Set<() => void>();

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const listener of listeners) listener();
  window.scrollTo?.(0, 0);
}

export interface Location {
  path: string;
  params: URLSearchParams;
}

export function useLocation(): Location {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((tick) => tick + 1);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

/** Follows same-origin links without reloading the page. */
export function onLinkClick(event: MouseEvent): void {
  const target = (event.target as HTMLElement | null)?.closest('a');
  if (target === null || target === undefined || target.target !== '' || target.origin !== location.origin)
    return;
  if (
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    target.hasAttribute('download')
  )
    return;
  event.preventDefault();
  navigate(target.pathname + target.search);
}
