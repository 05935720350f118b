import test from 'ava';
import type { ExecutionContext } from 'ava';
import { chmod, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN_TOKEN_FILE,
  AdminTokenError,
  readAdminToken,
  tokenMatches,
  writeAdminToken,
} from '../../actors/safety/admin-token';

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'predator-admin-token-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('writeAdminToken stores 64 hex characters in a 0600 file and nothing else', async (t) => {
  const dir = await tempDir(t);
  const token = await writeAdminToken(dir);
  t.regex(token, /^[0-9a-f]{64}$/);
  const path = join(dir, ADMIN_TOKEN_FILE);
  t.is(await readFile(path, 'utf8'), token);
  t.is((await stat(path)).mode & 0o777, 0o600);
  t.deepEqual(await readdir(dir), [ADMIN_TOKEN_FILE]);
});

test('writeAdminToken creates a missing data directory with mode 0700', async (t) => {
  const dataDir = join(await tempDir(t), 'data', 'instance');
  const token = await writeAdminToken(dataDir);
  t.is((await stat(dataDir)).mode & 0o777, 0o700);
  t.is(await readAdminToken(dataDir), token);
});

test('writeAdminToken replaces an old token with a new one', async (t) => {
  const dir = await tempDir(t);
  const first = await writeAdminToken(dir);
  const second = await writeAdminToken(dir);
  t.not(first, second);
  t.is(await readAdminToken(dir), second);
});

test('readAdminToken refuses a token file group or others can read', async (t) => {
  const dir = await tempDir(t);
  await writeAdminToken(dir);
  const path = join(dir, ADMIN_TOKEN_FILE);
  await chmod(path, 0o644);
  const err = await t.throwsAsync(readAdminToken(dir), { instanceOf: AdminTokenError });
  t.is(err.problem, 'INSECURE_MODE');
  t.is(err.name, 'AdminTokenError');
  t.true(err.message.includes('mode 0644'));
  t.true(err.message.includes(`chmod 600 ${path}`));
});

test('readAdminToken refuses malformed content', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, ADMIN_TOKEN_FILE);
  for (const content of ['', 'abc', 'g'.repeat(64), 'A'.repeat(64), `${'a'.repeat(64)} extra`]) {
    await writeFile(path, content, { mode: 0o600 });
    const err = await t.throwsAsync(readAdminToken(dir), { instanceOf: AdminTokenError });
    t.is(err.problem, 'MALFORMED', JSON.stringify(content));
    t.true(err.message.includes('expected 64 lowercase hex characters'));
  }
});

test('readAdminToken accepts a trailing newline an editor added', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, ADMIN_TOKEN_FILE), `${'c'.repeat(64)}\n`, { mode: 0o600 });
  t.is(await readAdminToken(dir), 'c'.repeat(64));
});

test('readAdminToken refuses a missing file and a symlink', async (t) => {
  const dir = await tempDir(t);
  const missing = await t.throwsAsync(readAdminToken(dir), { instanceOf: AdminTokenError });
  t.is(missing.problem, 'MISSING');
  t.regex(missing.message, /no admin token at .*admin\.token/);

  const elsewhere = join(dir, 'elsewhere');
  await writeFile(elsewhere, 'd'.repeat(64), { mode: 0o600 });
  await symlink(elsewhere, join(dir, ADMIN_TOKEN_FILE));
  const linked = await t.throwsAsync(readAdminToken(dir), { instanceOf: AdminTokenError });
  t.is(linked.problem, 'NOT_A_FILE');
});

test('tokenMatches accepts only the exact token', (t) => {
  const token = 'ab'.repeat(32);
  t.true(tokenMatches(token, token));
  t.false(tokenMatches(token, 'ab'.repeat(31) + 'ac'));
  t.false(tokenMatches(token, token.slice(0, 32)));
  t.false(tokenMatches(token, ''));
  t.false(tokenMatches(token, `${token}00`));
  t.false(tokenMatches('', ''));
  t.false(tokenMatches(token, undefined as unknown as string));
});
