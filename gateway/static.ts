import { createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Context, Middleware } from 'koa';
import { BadParameterError, HttpError, NotFoundError } from './errors';

/** The built dashboard is missing: the operator has to build it (503). */
export class DashboardMissingError extends HttpError {
  constructor(readonly dir: string) {
    super(503, 'the dashboard is not built; run `npm run build:dashboard` and reload', { expose: true });
  }
}

/** Vite puts content-hashed bundles here: they never change under the same name. */
const IMMUTABLE_PREFIX = '/assets/';

/**
 * Serves the built dashboard from `dir` at `/`: files by path with their content type, and
 * `index.html` for any other path without a file extension (the dashboard routes in the browser).
 * Nothing outside `dir` is reachable: no `..`, no dotfiles, no symlink out. Paths under `/api` are
 * not for this handler and must be answered before it.
 *
 * @example
 * ```ts
 * app.use(serveDashboard(resolve('dashboard/dist')));
 * ```
 */
export function serveDashboard(dir: string): Middleware {
  const root = resolve(dir);
  return async (ctx) => {
    const rootReal = await realpath(root).catch(() => undefined);
    if (rootReal === undefined) throw new DashboardMissingError(root);
    const index = join(rootReal, 'index.html');
    const indexStats = await fileStats(index);
    if (indexStats === undefined) throw new DashboardMissingError(root);

    const relative = requestPath(ctx.path);
    const found = relative === '' ? undefined : await resolveInside(rootReal, relative);
    if (found !== undefined) {
      send(ctx, found.path, found.stats, relative);
      return;
    }
    if (extname(relative) !== '') throw new NotFoundError(`no file ${ctx.path}`);
    send(ctx, index, indexStats, 'index.html');
  };
}

/** The request path as a relative file path, or a 400 when it is not one. */
function requestPath(path: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new BadParameterError('path', 'expected a well-formed URL path');
  }
  if (decoded.includes('\0') || decoded.includes('\\'))
    throw new BadParameterError('path', 'expected a plain file path');
  const segments = decoded.split('/').filter((segment) => segment !== '');
  // Dotfiles and `.`/`..` segments are never served; normalising them away would hide an attack.
  if (segments.some((segment) => segment.startsWith('.'))) throw new NotFoundError(`no file ${path}`);
  return segments.join('/');
}

/** The file at `relative` under `root`, if it is a regular file that really lies under `root`. */
async function resolveInside(
  root: string,
  relative: string,
): Promise<{ path: string; stats: Stats } | undefined> {
  const candidate = join(root, relative);
  const real = await realpath(candidate).catch(() => undefined);
  if (real === undefined || !real.startsWith(root + sep)) return undefined;
  const stats = await fileStats(real);
  return stats === undefined ? undefined : { path: real, stats };
}

async function fileStats(path: string): Promise<Stats | undefined> {
  const stats = await stat(path).catch(() => undefined);
  return stats?.isFile() ? stats : undefined;
}

function send(ctx: Context, path: string, stats: Stats, relative: string): void {
  ctx.type = extname(path) || 'application/octet-stream';
  ctx.lastModified = stats.mtime;
  ctx.set(
    'Cache-Control',
    `/${relative}`.startsWith(IMMUTABLE_PREFIX) ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.length = stats.size;
  ctx.body = createReadStream(path);
}
