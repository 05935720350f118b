import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UsageError } from '../usage';
import { GATEWAY_FILE } from './start-control';
import type { GatewayFile } from './start-control';

/**
 * The running instance's gateway, as every command that talks to it finds it: `--url` when given
 * (an http URL), else the `gateway.json` that `predator start` writes to its data directory. A
 * missing or unreadable file is a {@link UsageError} that says how to fix it.
 */
export async function instanceUrl(url: string | undefined, dataDir: string): Promise<string> {
  if (url !== undefined) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
      throw new UsageError(`--url: expected an http URL such as http://127.0.0.1:8080, got "${url}"`);
    return url.replace(/\/+$/, '');
  }
  const file = path.join(dataDir, GATEWAY_FILE);
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<GatewayFile>;
    if (typeof parsed.url === 'string') return parsed.url.replace(/\/+$/, '');
  } catch {
    // Reported below with the remedy.
  }
  throw new UsageError(
    `no running instance found: ${file} is missing or unreadable (is predator start running with --data-dir ${dataDir}? or pass --url)`,
  );
}
