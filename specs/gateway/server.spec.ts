import test from 'ava';
import type { ExecutionContext } from 'ava';
import Koa from 'koa';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../actors/kernel/errors';
import { silentLogger } from '../../actors/kernel/logger';
import { BadParameterError, HttpError, errorHandler, startGateway } from '../../gateway';
import { LogCapture, fetchJson, startSubject } from './fixture';
import type { ErrorAnswer } from './fixture';

test.serial('the port comes from PORT when none is given', async (t) => {
  const { runtime, clock } = await startSubject(t);
  const saved = process.env.PORT;
  t.teardown(() => {
    if (saved === undefined) delete process.env.PORT;
    else process.env.PORT = saved;
  });
  process.env.PORT = '0';
  const gateway = await startGateway({ view: runtime, clock, logger: silentLogger() });
  t.teardown(() => gateway.close());
  t.not(gateway.port, 0);
  t.is((await fetch(`${gateway.url}/api/health`)).status, 200);

  process.env.PORT = 'eighty';
  const error = await t.throwsAsync(startGateway({ view: runtime, clock, logger: silentLogger() }), {
    instanceOf: ConfigError,
  });
  t.deepEqual(error?.issues, ['PORT: expected an integer from 0 to 65535']);
});

test('a port in use is refused with the listen error', async (t) => {
  const { runtime, clock, gateway } = await startSubject(t);
  await t.throwsAsync(startGateway({ view: runtime, clock, logger: silentLogger(), port: gateway.port }), {
    code: 'EADDRINUSE',
  });
});

test('close stops listening and may be called twice', async (t) => {
  const { gateway, url } = await startSubject(t);
  await gateway.close();
  await gateway.close();
  await t.throwsAsync(fetch(`${url}/api/health`));
});

test('the gateway logs where it listens', async (t) => {
  const log = new LogCapture();
  const { url } = await startSubject(t, { logger: log.logger });
  const line = await log.waitFor('gateway listening');
  t.is(line.url, url);
  t.is(line.level, 30);
});

/** A bare Koa app with only the error middleware over `route`, as the gateway has it. */
async function errorApp(t: ExecutionContext, route: Koa.Middleware, log: LogCapture): Promise<string> {
  const app = new Koa();
  app.use(errorHandler(log.logger));
  app.use(route);
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('an unexpected error shows the client only its status; the log gets everything', async (t) => {
  const log = new LogCapture();
  const url = await errorApp(
    t,
    () => {
      throw new Error('redis://user:hunter2@db:6379 refused');
    },
    log,
  );
  const { status, body } = await fetchJson<ErrorAnswer>(url);
  t.is(status, 500);
  t.deepEqual(body, { error: { status: 500, message: 'Internal Server Error' } });
  const line = await log.waitFor('request failed');
  t.is(line.level, 50);
  t.regex(JSON.stringify(line.err), /hunter2/);
});

test('an error marked safe reaches the client with its status and parameter', async (t) => {
  const log = new LogCapture();
  const url = await errorApp(
    t,
    () => {
      throw new BadParameterError('limit', 'expected an integer from 1 to 1000');
    },
    log,
  );
  const { status, body } = await fetchJson<ErrorAnswer>(url);
  t.is(status, 400);
  t.deepEqual(body, {
    error: { status: 400, message: 'limit: expected an integer from 1 to 1000', param: 'limit' },
  });
  t.is((await log.waitFor('request refused')).level, 30);
});

test('a 5xx error is hidden unless explicitly marked safe', async (t) => {
  const log = new LogCapture();
  const hidden = await errorApp(
    t,
    () => {
      throw new HttpError(502, 'upstream venue said: invalid API key abc123');
    },
    log,
  );
  t.deepEqual((await fetchJson<ErrorAnswer>(hidden)).body, {
    error: { status: 502, message: 'Bad Gateway' },
  });
  const shown = await errorApp(
    t,
    () => {
      throw new HttpError(503, 'warming up', { expose: true });
    },
    log,
  );
  t.deepEqual((await fetchJson<ErrorAnswer>(shown)).body, { error: { status: 503, message: 'warming up' } });
});

test('Koa http-errors keep their status and exposure', async (t) => {
  const log = new LogCapture();
  const url = await errorApp(t, (ctx) => ctx.throw(418, 'short and stout'), log);
  t.deepEqual((await fetchJson<ErrorAnswer>(url)).body, {
    error: { status: 418, message: 'short and stout' },
  });
});
