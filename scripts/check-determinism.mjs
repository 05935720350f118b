// Fails when runtime code reads wall time or ambient randomness outside the kernel clock and rng.
// Why: a simulation is only reproducible if every timer and every random draw is injected.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const roots = ['actors', 'machines', 'gateway'];
const allowed = /^actors\/kernel\/(clock|rng)[^/]*\.ts$/;
const forbidden =
  /Date\.now\(|Math\.random\(|performance\.now\(|(^|[^.\w])set(Timeout|Interval|Immediate)\(|new Date\(\)/;

function* files(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|js|mjs|cjs)$/.test(name)) yield path;
  }
}

const hits = [];
for (const root of roots) {
  for (const file of files(root)) {
    const rel = relative('.', file).split('\\').join('/');
    if (allowed.test(rel)) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '');
        if (/^\s*\*/.test(line)) return;
        if (forbidden.test(code)) hits.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
  }
}
if (hits.length > 0) {
  console.error('Time or randomness read outside actors/kernel/clock* and rng*:');
  for (const hit of hits) console.error(`  ${hit}`);
  process.exit(1);
}
console.log('determinism: no direct time or randomness in runtime code');
