import { accessSync, constants } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Debian's `chromium` package; `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a quiet, offline, headless Chromium: no sandbox (specs may run as root in a container),
 * no GPU, and none of the background traffic (updates, sync, QUIC probes) a test has no use for.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The browser binary is not installed where the helper looks for it. */
export class ChromiumMissingError extends Error {
  override readonly name = 'ChromiumMissingError';

  constructor(readonly path: string) {
    super(
      `no Chromium executable at ${path}: install Debian's package (apt-get install chromium) ` +
        'or set CHROMIUM_PATH to a Chromium binary',
    );
  }
}

/** Options of {@link launchBrowser}. */
export interface BrowserOptions {
  /** The Chromium binary; {@link CHROMIUM_PATH} by default. */
  readonly executablePath?: string;
  /** Default timeout of every page action and wait, in ms (10 s). */
  readonly timeoutMs?: number;
  /** Viewport of every page (1440×900). */
  readonly viewport?: { readonly width: number; readonly height: number };
}

/** A headless Chromium owned by one spec. */
export interface BrowserSession {
  /**
   * Opens `url` in a new page and resolves once its DOM is loaded. Not `networkidle`: the dashboard
   * keeps an event stream open, so the network is never idle.
   */
  page(url: string): Promise<Page>;
  /** Uncaught exceptions of every page so far: a spec asserts there are none. */
  errors(): readonly string[];
  /**
   * `console.error` messages of every page so far. Not always a bug: the browser logs a failed request
   * there, e.g. while a spec has the gateway down on purpose.
   */
  consoleErrors(): readonly string[];
  /** Closes every page and the browser; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium headless through playwright-core, with a fresh, empty profile (playwright
 * creates a temporary user data dir per launch and deletes it on close).
 *
 * @example
 * const browser = await launchBrowser();
 * t.teardown(() => browser.close());
 * const page = await browser.page(`http://127.0.0.1:${port}/`);
 * await page.locator('[data-testid="node-feed"][data-lifecycle="running"]').waitFor();
 */
export async function launchBrowser(options: BrowserOptions = {}): Promise<BrowserSession> {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new ChromiumMissingError(executablePath);
  }
  const browser: Browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
  const context: BrowserContext = await browser.newContext({
    viewport: { ...(options.viewport ?? { width: 1440, height: 900 }) },
  });
  context.setDefaultTimeout(options.timeoutMs ?? 10_000);
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  let closed = false;

  return {
    async page(url) {
      const page = await context.newPage();
      page.on('pageerror', (err) => errors.push(`${url}: ${err.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(`${url}: ${message.text()}`);
      });
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      return page;
    },
    errors: () => [...errors],
    consoleErrors: () => [...consoleErrors],
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}
