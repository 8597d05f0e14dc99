// The browser of the web pages' end-to-end tests, on the test stack's gateway.
import { devOperatorAccount } from '@microshop/platform/pure';
import type { Page } from 'playwright-core';
import { launchBrowser as launch, type WebBrowser } from '../../infra/src/browser.ts';
import { defaultGatewayUrl } from './session.ts';
import { uniqueEmail } from './shop.ts';

export type { WebBrowser };

export function launchBrowser(): Promise<WebBrowser> {
  return launch(defaultGatewayUrl);
}

/** Signs a new customer up on the storefront's form; answers the email they signed up with. */
export async function signUpInBrowser(page: Page, name: string): Promise<string> {
  const email = uniqueEmail(name);
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(`pw-${email}`);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return email;
}

/** Puts one of the product in the cart and places the order with a test card; answers the order page's URL. */
export async function orderInBrowser(page: Page, productName: string, token = 'tok_visa'): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: `Add ${productName} to the cart` }).click();
  await page.getByRole('link', { name: /Cart \(1\)/ }).click();
  await page.getByText('tok_chargeDeclined').waitFor(); // the test cards are explained
  await page.locator(`input[type=radio][name=token][value="${token}"]`).check();
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
  return page.url();
}

/** Signs the test stack's operator in to the console. */
export async function signInToConsole(page: Page): Promise<void> {
  await page.goto('/console');
  await page.getByLabel('Email').fill(devOperatorAccount.email);
  await page.getByLabel('Password').fill(devOperatorAccount.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
}

/** A tab of the console, signed in as the operator. */
export async function consolePage(web: WebBrowser): Promise<Page> {
  const page = await web.newPage();
  await signInToConsole(page);
  return page;
}
