import test from 'ava';
import type { ExecutionContext } from 'ava';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { VirtualClock } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import type { Runtime } from '../../actors/kernel/runtime';
import { startGateway } from '../../gateway';
import type { Gateway } from '../../gateway';
import { launchBrowser } from '../helpers/browser';
import type { BrowserSession } from '../helpers/browser';
import { simulated } from '../helpers/runtime';
import { closeSampleTrend, sampleTrading } from '../helpers/trading-model';
import type { MemoryTradingModel } from '../helpers/trading-model';

// The trading panel in headless Chromium, over the real gateway and a real portfolio (the figures
// are `sampleTrading`'s). The page polls every 2 s; the specs wait for the DOM, never for time.

/** The built dashboard; `npm test` builds it before the specs run. */
const DIST = resolve(__dirname, '../../dashboard/dist');

interface Subject {
  readonly runtime: Runtime;
  readonly clock: VirtualClock;
  readonly trading: MemoryTradingModel;
  gateway: Gateway;
  readonly browser: BrowserSession;
  readonly page: Page;
}

/** A real runtime, the gateway serving the built dashboard (with the sample trading unless told not to), a page on it. */
async function openDashboard(t: ExecutionContext, withTrading = true): Promise<Subject> {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`no built dashboard at ${DIST}: run \`npm run build:dashboard\` first`);
  }
  const { runtime, clock } = await simulated();
  t.teardown(() => runtime.stop());
  const trading = sampleTrading();
  const gateway = await startGateway({
    view: runtime,
    clock,
    logger: silentLogger(),
    port: 0,
    staticDir: DIST,
    ...(withTrading ? { trading } : {}),
  });
  const browser = await launchBrowser();
  const subject: Subject = {
    runtime,
    clock,
    trading,
    gateway,
    browser,
    page: await browser.page(`${gateway.url}/`),
  };
  // Browser first: an open event stream would hold the gateway's close until the page is gone.
  t.teardown(async () => {
    await browser.close();
    await subject.gateway.close();
  });
  await subject.page.locator('[data-testid="connection"][data-status="live"]').waitFor();
  return subject;
}

/** The `x,y` pairs of the equity curve's line, as drawn. */
async function curvePoints(page: Page): Promise<{ x: number; y: number }[]> {
  const points = await page.locator('[data-testid="equity-curve"] polyline').getAttribute('points');
  return (points ?? '')
    .trim()
    .split(/\s+/)
    .filter((pair) => pair !== '')
    .map((pair) => {
      const [x, y] = pair.split(',').map(Number);
      return { x: x ?? NaN, y: y ?? NaN };
    });
}

test('the trading panel shows engines, positions, the open order, fills, PnL and the equity curve', async (t) => {
  const { page, browser } = await openDashboard(t);
  const panel = page.locator('[data-testid="trading"][data-status="running"]');
  await panel.waitFor();

  await panel.locator('[data-testid="engine-row"][data-engine="mm"][data-mode="shadow"]').waitFor();
  await panel
    .locator(
      '[data-testid="engine-row"][data-engine="trend"][data-mode="live"][data-trading-state="REDUCING"]',
    )
    .waitFor();
  t.is(
    await panel.locator('[data-testid="engine-row"][data-engine="mm"]').getAttribute('data-trading-state'),
    'ACTIVE',
  );

  await panel.locator('[data-testid="position-row"][data-symbol="BTCUSDT"][data-qty="0.05"]').waitFor();
  await panel.locator('[data-testid="position-row"][data-symbol="ETHUSDT"][data-qty="1"]').waitFor();
  const btc = await panel.locator('[data-testid="position-row"][data-symbol="BTCUSDT"]').innerText();
  for (const figure of ['30,000', '30,200', '+10.00', '+5.00', '0.45', '+14.55'])
    t.true(btc.includes(figure), btc);

  const orders = panel.locator('[data-testid="order-row"]');
  await orders.and(page.locator('[data-client-order-id="mm-3"][data-state="open"]')).waitFor();
  t.is(await orders.count(), 1);

  const fills = panel.locator('[data-testid="fill-row"]');
  await fills.and(page.locator('[data-fill-id="f-3"]')).waitFor();
  // newest first
  t.deepEqual(await fills.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-fill-id'))), [
    'f-3',
    'f-2',
    'f-1',
  ]);

  const pnl = (scope: string): ReturnType<Page['locator']> =>
    panel.locator(`[data-testid="pnl-row"][data-scope="${scope}"]`);
  t.is(await pnl('instance').getAttribute('data-net'), '22.55');
  t.is(await pnl('engine').and(page.locator('[data-engine="mm"]')).getAttribute('data-net'), '14.55');
  t.is(await pnl('engine').and(page.locator('[data-engine="trend"]')).getAttribute('data-net'), '8');
  t.is(await pnl('strategy').and(page.locator('[data-strategy="ema-1"]')).getAttribute('data-net'), '8');
  t.true((await pnl('instance').innerText()).includes('+22.55'));

  const curve = panel.locator('[data-testid="equity-curve"][data-points="3"]');
  await curve.waitFor();
  const points = await curvePoints(page);
  t.is(points.length, 3);
  // time runs left to right; equity rose at every mark, so each point is higher (smaller y)
  t.true(
    points.every((p, i) => i === 0 || (p.x > points[i - 1]!.x && p.y < points[i - 1]!.y)),
    JSON.stringify(points),
  );
  t.true((await panel.locator('[data-testid="trading-equity"]').innerText()).includes('10,022.55'));

  // the rest of the dashboard is there as before
  await page.locator('[data-testid="tree"]').waitFor();
  t.deepEqual(browser.errors(), []);
});

test('the trading panel follows new fills and marks as the page polls', async (t) => {
  const { page, trading, browser } = await openDashboard(t);
  await page.locator('[data-testid="equity-curve"][data-points="3"]').waitFor();

  closeSampleTrend(trading);

  await page.locator('[data-testid="fill-row"][data-fill-id="f-4"][data-side="sell"]').waitFor();
  await page.locator('[data-testid="position-row"][data-symbol="ETHUSDT"][data-qty="0"]').waitFor();
  await page.locator('[data-testid="equity-curve"][data-points="4"]').waitFor();
  t.is((await curvePoints(page)).length, 4);
  // realized 20 on ETH, fee 2: trend nets 18
  await page
    .locator('[data-testid="pnl-row"][data-scope="engine"][data-engine="trend"][data-net="18"]')
    .waitFor();
  t.deepEqual(browser.errors(), []);
});

test('the engine filter narrows positions, orders and fills to one engine', async (t) => {
  const { page, browser } = await openDashboard(t);
  await page.locator('[data-testid="order-row"][data-client-order-id="mm-3"]').waitFor();

  await page.locator('[data-testid="engine-filter"]').selectOption('trend');
  await page.locator('[data-testid="position-row"][data-symbol="BTCUSDT"]').waitFor({ state: 'detached' });
  await page.locator('[data-testid="fill-row"][data-fill-id="f-1"]').waitFor({ state: 'detached' });
  await page.locator('[data-testid="order-row"]').first().waitFor({ state: 'detached' });
  t.deepEqual(
    await page
      .locator('[data-testid="position-row"]')
      .evaluateAll((rows) => rows.map((r) => r.dataset.symbol)),
    ['ETHUSDT'],
  );
  t.deepEqual(
    await page.locator('[data-testid="fill-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.fillId)),
    ['f-3'],
  );
  // PnL stays the instance's, with every engine
  await page.locator('[data-testid="pnl-row"][data-scope="engine"][data-engine="mm"]').waitFor();

  await page.locator('[data-testid="engine-filter"]').selectOption('');
  await page.locator('[data-testid="order-row"][data-client-order-id="mm-3"]').waitFor();
  t.deepEqual(browser.errors(), []);
});

test('without trading the panel says trading is not running and the rest of the dashboard works', async (t) => {
  const { page, browser } = await openDashboard(t, false);
  const panel = page.locator('[data-testid="trading"][data-status="absent"]');
  await panel.waitFor();
  t.is(
    (await panel.locator('[data-testid="trading-absent"]').innerText()).trim(),
    'Trading is not running in this instance.',
  );
  t.is(await page.locator('[data-testid="equity-curve"]').count(), 0);
  await page.locator('[data-testid="tree"]').waitFor();
  await page.locator('[data-testid="node-feed"]').waitFor();
  t.deepEqual(browser.errors(), []);
});

test('after a reconnect to an instance that trades, the panel shows trading', async (t) => {
  const subject = await openDashboard(t, false);
  const { runtime, clock, trading, page, browser } = subject;
  await page.locator('[data-testid="trading"][data-status="absent"]').waitFor();

  const port = subject.gateway.port;
  await subject.gateway.close();
  await page.locator('[data-testid="connection"][data-status="reconnecting"]').waitFor();
  subject.gateway = await startGateway({
    view: runtime,
    clock,
    logger: silentLogger(),
    port,
    staticDir: DIST,
    trading,
  });
  await page.locator('[data-testid="connection"][data-status="live"]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="trading"][data-status="running"]').waitFor();
  await page.locator('[data-testid="order-row"][data-client-order-id="mm-3"]').waitFor();
  t.deepEqual(browser.errors(), []);
});
