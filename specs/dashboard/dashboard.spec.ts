import test from 'ava';
import type { ExecutionContext } from 'ava';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { VirtualClock } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import type { Runtime } from '../../actors/kernel/runtime';
import type { ComponentView, SupervisorView } from '../../actors/kernel/system-view';
import { startGateway } from '../../gateway';
import type { Gateway } from '../../gateway';
import { launchBrowser } from '../helpers/browser';
import type { BrowserSession } from '../helpers/browser';
import { simulated } from '../helpers/runtime';

/** The built dashboard; `npm test` builds it before the specs run. */
const DIST = resolve(__dirname, '../../dashboard/dist');

/** A real runtime on a virtual clock, the real gateway serving the built dashboard, a headless browser. */
interface Subject {
  readonly clock: VirtualClock;
  readonly runtime: Runtime;
  gateway: Gateway;
  readonly browser: BrowserSession;
  readonly page: Page;
}

async function openDashboard(t: ExecutionContext): Promise<Subject> {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`no built dashboard at ${DIST}: run \`npm run build:dashboard\` first`);
  }
  const { runtime, clock } = await simulated();
  t.teardown(() => runtime.stop());
  const gateway = await startGateway({
    view: runtime,
    clock,
    logger: silentLogger(),
    port: 0,
    staticDir: DIST,
  });
  const browser = await launchBrowser();
  const subject: Subject = { clock, runtime, gateway, browser, page: await browser.page(`${gateway.url}/`) };
  // Browser first: an open event stream would hold the gateway's close until the page is gone.
  t.teardown(async () => {
    await browser.close();
    await subject.gateway.close();
  });
  await live(subject.page);
  return subject;
}

/** Waits until the page's event stream is connected. */
function live(page: Page): Promise<void> {
  return page.locator('[data-testid="connection"][data-status="live"]').waitFor();
}

function components(node: SupervisorView | ComponentView): ComponentView[] {
  return node.type === 'component' ? [node] : node.children.flatMap(components);
}

function find(runtime: Runtime, id: string): ComponentView {
  const found = components(runtime.tree().root).find((c) => c.id === id);
  if (found === undefined) throw new Error(`no component ${id}`);
  return found;
}

/** Advances the clock a second at a time until `id`'s behaviour state differs from `from`. */
async function untilStateChanges(subject: Subject, id: string, from: string): Promise<string> {
  for (let i = 0; i < 120; i++) {
    await subject.clock.advance(1_000);
    const state = find(subject.runtime, id).state;
    if (state !== from && state !== '') return state;
  }
  throw new Error(`${id} stayed in ${from} for 120 s of virtual time`);
}

test('the dashboard shows the supervision tree with every component and the system state', async (t) => {
  const { runtime, page, browser } = await openDashboard(t);
  const tree = runtime.tree();

  await page.locator('[data-testid="tree"]').waitFor();
  await page.locator(`[data-testid="system-state"][data-state="${tree.state}"]`).waitFor();
  await page.locator(`[data-testid="node-${tree.root.id}"][data-type="supervisor"]`).waitFor();
  for (const component of components(tree.root)) {
    const node = page.locator(`[data-testid="node-${component.id}"]`);
    await node.and(page.locator(`[data-lifecycle="${component.lifecycle}"]`)).waitFor();
    t.is(await node.getAttribute('data-state'), find(runtime, component.id).state, component.id);
  }
  // The journal feed starts with the history so far.
  const newest = runtime.health().journalSeq;
  await page.locator(`[data-testid="journal"] [data-testid="journal-entry"][data-seq="${newest}"]`).waitFor();
  t.deepEqual(browser.errors(), []);
});

test('a crash reaches the page live: the journal feed, the restart count and the lifecycle', async (t) => {
  const subject = await openDashboard(t);
  const { runtime, clock, page, browser } = subject;
  const before = runtime.health().journalSeq;

  runtime.send('feed', { type: 'sys.fault.crash' });
  await clock.advance(1_000);

  const after = runtime.health().journalSeq;
  t.true(after > before);
  await page.locator(`[data-testid="journal-entry"][data-seq="${after}"]`).waitFor();
  await page.locator('[data-testid="journal-entry"][data-actor="feed"]').first().waitFor();
  const feed = find(runtime, 'feed');
  t.is(feed.restarts, 1);
  await page
    .locator(`[data-testid="node-feed"][data-restarts="1"][data-lifecycle="${feed.lifecycle}"]`)
    .waitFor();
  t.deepEqual(browser.errors(), []);
});

test('a selected component shows its state chart, and the highlight follows its machine', async (t) => {
  const subject = await openDashboard(t);
  const { page, browser } = subject;
  await page.locator('[data-testid="node-ma"]').click();
  const chart = page.locator('[data-testid="statechart"][data-actor="ma"][data-ready="true"]');
  await chart.waitFor();

  const from = find(subject.runtime, 'ma').state;
  if (from !== '') await chart.locator(`[data-path="${from}"][data-active="true"]`).waitFor();
  const to = await untilStateChanges(subject, 'ma', from);
  await chart.locator(`[data-path="${to}"][data-active="true"]`).waitFor();
  if (from !== '' && !to.startsWith(`${from}.`)) {
    await chart.locator(`[data-path="${from}"][data-active="false"]`).waitFor();
  }

  // The lifecycle machine of the same component, drawn from the machine object too.
  await page.locator('[data-testid="machine-lifecycle"]').click();
  await page
    .locator('[data-testid="statechart"][data-machine="lifecycle"][data-ready="true"]')
    .locator('[data-path="running"][data-active="true"]')
    .waitFor();
  t.deepEqual(browser.errors(), []);
});

test('the page says when the stream is down and catches up when the gateway is back', async (t) => {
  const subject = await openDashboard(t);
  const { runtime, clock, page, browser } = subject;
  const port = subject.gateway.port;

  await subject.gateway.close();
  await page.locator('[data-testid="connection"][data-status="reconnecting"]').waitFor();

  // Transitions while the page is cut off …
  runtime.send('feed', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  const missed = runtime.health().journalSeq;

  // … reach it once a gateway answers on the same address again.
  subject.gateway = await startGateway({
    view: runtime,
    clock,
    logger: silentLogger(),
    port,
    staticDir: DIST,
  });
  await page.locator('[data-testid="connection"][data-status="live"]').waitFor({ timeout: 30_000 });
  await page.locator(`[data-testid="journal-entry"][data-seq="${missed}"]`).waitFor();
  await page.locator('[data-testid="node-feed"][data-restarts="1"]').waitFor();
  t.deepEqual(browser.errors(), []);
});

test('a GLOBAL HALT turns the header red with its reason', async (t) => {
  const { runtime, clock, page, browser } = await openDashboard(t);
  await page.locator('[data-testid="halt-banner"]').waitFor({ state: 'detached' });

  // Crash the feed until every supervisor up the tree has used up its restart intensity.
  for (let i = 0; i < 200 && runtime.tree().state !== 'halted'; i++) {
    runtime.send('feed', { type: 'sys.fault.crash' });
    await clock.advance(100);
  }
  const { state, haltReason } = runtime.tree();
  t.is(state, 'halted');

  await page.locator('[data-testid="system-state"][data-state="halted"]').waitFor();
  const banner = page.locator('[data-testid="halt-banner"]');
  await banner.waitFor();
  t.true((await banner.innerText()).includes(haltReason ?? '?'));
  t.deepEqual(browser.errors(), []);
});
