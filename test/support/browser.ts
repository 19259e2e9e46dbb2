import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's headless Chromium as the browser tests use it. The background-networking flags keep
 * it from dialling out on a machine with no network (its connections would be refused, many at once).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
