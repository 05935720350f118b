// `npm test`: every static check, then every spec, then one closing line CI reads:
// `N passed, N failed` (`, N skipped` when any were skipped). Each static check counts as one test.
import { spawn } from 'node:child_process';

const checks = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['format', 'npm', ['run', '--silent', 'format:check']],
  ['import cycles', 'npm', ['run', '--silent', 'cycles']],
  ['determinism', 'npm', ['run', '--silent', 'determinism']],
  ['dashboard build', 'npm', ['run', '--silent', 'build:dashboard']],
];

function run(cmd, args, onLine) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let buffer = '';
    const feed = (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        onLine(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    };
    child.stdout.setEncoding('utf8').on('data', feed);
    child.stderr.setEncoding('utf8').on('data', (chunk) => process.stderr.write(chunk));
    child.on('close', (code) => {
      if (buffer) onLine(buffer);
      resolve(code ?? 1);
    });
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;

for (const [name, cmd, args] of checks) {
  const output = [];
  const code = await run(cmd, args, (line) => output.push(line));
  if (code === 0) {
    passed++;
    console.log(`ok - check: ${name}`);
  } else {
    failed++;
    console.log(`not ok - check: ${name}`);
    for (const line of output) console.log(`    ${line}`);
  }
}

// ava's TAP: count `ok`/`not ok` lines ourselves; `# SKIP` and `# TODO` directives are skips.
const tapArgs = ['ava', '--tap', ...process.argv.slice(2)];
const avaCode = await run('npx', tapArgs, (line) => {
  console.log(line);
  const m = /^(not ok|ok) \d+ (.*)$/.exec(line);
  if (!m) return;
  if (/#\s*(SKIP|TODO)/i.test(m[2])) skipped++;
  else if (m[1] === 'ok') passed++;
  else failed++;
});
if (avaCode !== 0 && failed === 0) {
  // ava failed without a failing test line (an uncaught error, a crashed worker, a timeout).
  failed++;
  console.log('not ok - ava exited with code ' + avaCode);
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
