import Router from '@koa/router';
import type { Context } from 'koa';
import type { Clock } from '../../actors/kernel/clock';
import { tokenMatches } from '../../actors/safety/admin-token';
import type { AuditLog, ControlAnswer, ControlPlane, Identity } from '../../actors/safety/control-plane';
import { HttpError, NotFoundError } from '../errors';
import { QueryParser, integerParam } from '../params';

/** The control plane as the gateway reaches it. */
export interface GatewayControl {
  readonly plane: ControlPlane;
  readonly audit: AuditLog;
  /** The local admin token (the instance's `admin.token`); a request must present it as a bearer. */
  readonly token: string;
}

/** The prefix under which the gateway accepts POST; everything else stays read-only. */
export const CONTROL_PATH = '/api/control';

/** The 404 of an instance that runs no control plane. */
export const CONTROL_NOT_RUNNING = 'the control plane is not running in this instance';

/** Largest request body the control routes read. */
const MAX_BODY_BYTES = 16 * 1024;
/** Failed token checks tolerated per window before every control request is refused for a while. */
const MAX_BAD_TOKENS = 5;
const BAD_TOKEN_WINDOW_MS = 60_000;

const auditQuery = new QueryParser({ limit: integerParam(1, 1_000).default(100) });

/** HTTP status for each answer of the control plane. */
function statusOf(answer: ControlAnswer): number {
  switch (answer.status) {
    case 'done':
      return 200;
    case 'confirm':
      return 202;
    case 'failed':
      return 500;
    case 'refused':
      return answer.reason === 'FORBIDDEN' ? 403 : answer.reason.startsWith('NONCE') ? 409 : 400;
  }
}

/** Reads a JSON object body of at most {@link MAX_BODY_BYTES}; anything else is a 400/413/415. */
async function jsonBody(ctx: Context): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json'))
    throw new HttpError(415, 'the body must be JSON (Content-Type: application/json)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new HttpError(400, 'the body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * `POST /api/control` (`{command, args}`), `POST /api/control/confirm` (`{nonce}`) and
 * `GET /api/control/audit`: a thin adapter over the control plane, which decides and audits
 * everything. The caller proves it holds the local admin token (`Authorization: Bearer …`); a wrong
 * token is audited and, after a few, every control request is refused for a minute.
 */
export function controlRoutes(control: GatewayControl | undefined, clock: Clock): Router {
  const router = new Router({ prefix: CONTROL_PATH });
  const failures: number[] = [];

  const identify = async (ctx: Context, line: string): Promise<Identity> => {
    if (!control) throw new NotFoundError(CONTROL_NOT_RUNNING);
    const now = clock.now();
    while (failures.length > 0 && (failures[0] as number) <= now - BAD_TOKEN_WINDOW_MS) failures.shift();
    if (failures.length >= MAX_BAD_TOKENS)
      throw new HttpError(429, 'too many failed token checks; try again in a minute', {
        headers: { 'Retry-After': String(Math.ceil(BAD_TOKEN_WINDOW_MS / 1000)) },
      });
    const header = ctx.get('Authorization');
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    const via = ctx.get('User-Agent').startsWith('predator-ctl') ? 'cli' : 'gateway';
    if (!tokenMatches(control.token, given)) {
      failures.push(now);
      await control.audit.append({
        t: now,
        identity: { id: 'unauthenticated', role: 'viewer', via },
        phase: 'request',
        command: line,
        outcome: 'refused',
        reason: 'UNAUTHENTICATED',
        message: given === '' ? 'no bearer token' : 'wrong token',
      });
      throw new HttpError(
        401,
        'a valid admin token is required (Authorization: Bearer <token from admin.token>)',
        {
          headers: { 'WWW-Authenticate': 'Bearer' },
        },
      );
    }
    const operator = ctx.get('X-Predator-Operator').trim();
    const name = /^[\w.@-]{1,64}$/.test(operator) ? operator : '';
    return { id: name === '' ? 'local-admin' : `local-admin:${name}`, role: 'admin', via };
  };

  router.post('/', async (ctx) => {
    const body = await jsonBody(ctx);
    const command = typeof body.command === 'string' ? body.command : '';
    const args = Array.isArray(body.args) ? body.args : [];
    const line = [command, ...args.map(String)].join(' ').slice(0, 200);
    const identity = await identify(ctx, line);
    const answer = await (control as GatewayControl).plane.request(identity, {
      command,
      args: args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))),
    });
    ctx.status = statusOf(answer);
    ctx.body = answer;
  });

  router.post('/confirm', async (ctx) => {
    const body = await jsonBody(ctx);
    const nonce = typeof body.nonce === 'string' ? body.nonce : '';
    const identity = await identify(ctx, `confirm ${nonce.slice(0, 64)}`);
    const answer = await (control as GatewayControl).plane.confirm(identity, nonce);
    ctx.status = statusOf(answer);
    ctx.body = answer;
  });

  router.get('/audit', async (ctx) => {
    const { limit } = auditQuery.parse(ctx.query);
    await identify(ctx, 'audit');
    ctx.body = { entries: await (control as GatewayControl).audit.list(limit) };
  });

  return router;
}
