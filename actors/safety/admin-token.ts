import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PredatorError } from '../kernel/errors';

/** Name of the admin token file inside the instance's data directory. */
export const ADMIN_TOKEN_FILE = 'admin.token';

const TOKEN = /^[0-9a-f]{64}$/;

/** What was wrong with the admin token file. */
export type AdminTokenProblem = 'MISSING' | 'NOT_A_FILE' | 'INSECURE_MODE' | 'MALFORMED';

/** The admin token file could not be used; the message says how to fix it. */
export class AdminTokenError extends PredatorError {
  constructor(
    readonly problem: AdminTokenProblem,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Creates a fresh admin token and stores it as `<dataDir>/admin.token`, readable by the owner
 * only; creates `dataDir` (mode 0700) if missing. A local CLI proves it is the instance's admin by
 * reading this file, so it must never exist with wider permissions, even for an instant: the token
 * is written to a temp file opened 0600 in the same directory and renamed over the old one.
 *
 * @example
 * const token = await writeAdminToken('.predator'); // 64 hex characters
 */
export async function writeAdminToken(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('hex');
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  const temp = join(dataDir, `.${ADMIN_TOKEN_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temp, 'wx', 0o600);
  try {
    // Why chmod although open set the mode: the mode passed to open is filtered by the umask.
    await file.chmod(0o600);
    await file.writeFile(token, 'utf8');
    await file.sync();
    await file.close();
    await rename(temp, path);
  } catch (err) {
    await file.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw err;
  }
  return token;
}

/**
 * Reads the admin token from `<dataDir>/admin.token`. Refuses ({@link AdminTokenError}) a missing
 * file, a symlink or non-file, a file group or others may access, and content that is not 64 hex
 * characters (a trailing newline is allowed, as an editor may add one).
 */
export async function readAdminToken(dataDir: string): Promise<string> {
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  let file: FileHandle;
  try {
    // Why O_NOFOLLOW: a symlink planted in the data dir must not redirect us to another file.
    file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new AdminTokenError(
        'MISSING',
        path,
        `no admin token at ${path}; start the instance to create one`,
        {
          cause: err,
        },
      );
    if (code === 'ELOOP')
      throw new AdminTokenError('NOT_A_FILE', path, `${path} is a symlink; expected a regular file`, {
        cause: err,
      });
    throw err;
  }
  try {
    const stat = await file.stat();
    if (!stat.isFile()) throw new AdminTokenError('NOT_A_FILE', path, `${path} is not a regular file`);
    // Why not on Windows: it has no POSIX modes; every file reports 0666 or 0444.
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new AdminTokenError(
        'INSECURE_MODE',
        path,
        `${path} has mode ${mode}, so group or others may read the admin token; run: chmod 600 ${path}`,
      );
    }
    const content = (await file.readFile('utf8')).replace(/\r?\n$/, '');
    if (!TOKEN.test(content))
      throw new AdminTokenError(
        'MALFORMED',
        path,
        `${path} is malformed: expected 64 lowercase hex characters`,
      );
    return content;
  } finally {
    await file.close();
  }
}

/**
 * Whether `given` is the admin token `expected`, in time independent of where they differ and of
 * their lengths: both are hashed to 32 bytes before `timingSafeEqual`, which would otherwise throw
 * on (and so reveal) a length mismatch. An empty `expected` matches nothing.
 */
export function tokenMatches(expected: string, given: string): boolean {
  if (typeof expected !== 'string' || typeof given !== 'string' || expected === '') return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b) && expected.length === given.length;
}
