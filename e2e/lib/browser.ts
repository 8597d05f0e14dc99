// The browser of the web pages' end-to-end tests, on the test stack's gateway.
import { launchBrowser as launch, type WebBrowser } from '../../infra/src/browser.ts';
import { defaultGatewayUrl } from './session.ts';

export type { WebBrowser };

export function launchBrowser(): Promise<WebBrowser> {
  return launch(defaultGatewayUrl);
}
