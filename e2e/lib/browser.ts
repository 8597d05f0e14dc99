// The browser of the web pages' end-to-end tests, on the test stack's gateway.
import { devOperatorAccount } from '@microshop/platform/pure';
import type { Page } from 'playwright-core';
import { launchBrowser as launch, type WebBrowser } from '../../infra/src/browser.ts';
import { defaultGatewayUrl } from './session.ts';

export type { WebBrowser };

export function launchBrowser(): Promise<WebBrowser> {
  return launch(defaultGatewayUrl);
}

/** A tab of the console, signed in as the operator. */
export async function consolePage(web: WebBrowser): Promise<Page> {
  const page = await web.newPage();
  await page.goto('/console');
  await page.getByLabel('Email').fill(devOperatorAccount.email);
  await page.getByLabel('Password').fill(devOperatorAccount.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
  return page;
}
