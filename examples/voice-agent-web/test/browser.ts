/** Starts Debian's chromium headless through playwright-core, with autoplay allowed. */
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from './global-setup.js';

/** Launches the browser the tests drive. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}
