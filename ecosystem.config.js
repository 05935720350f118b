// pm2 process file: `npx pm2 start ecosystem.config.js` (runbook: docs/operations.md).
// CommonJS on purpose: pm2 loads this file with `require`.
'use strict';

/** Passed through from the shell that runs `pm2 start`, when set there. */
const env = {
  NODE_ENV: 'production',
  PORT: process.env.PORT || '8080',
  // pino's lines go to a file rotated and retained by size and age (docs/operations.md); pm2's own
  // out/err files below then hold only the few lines written to the console, which do not grow.
  PREDATOR_LOG_DIR: process.env.PREDATOR_LOG_DIR || `${__dirname}/logs`,
};
if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
if (process.env.LOG_LEVEL) env.LOG_LEVEL = process.env.LOG_LEVEL;
for (const name of [
  'PREDATOR_BOOT_LOOP_STARTS',
  'PREDATOR_BOOT_LOOP_WITHIN_MS',
  'PREDATOR_LOG_RATE',
  'PREDATOR_LOG_BURST',
])
  if (process.env[name]) env[name] = process.env[name];
// Keys reach the runtime through its environment only, never its command line (visible in ps).
if (process.env.PREDATOR_API_KEY) env.PREDATOR_API_KEY = process.env.PREDATOR_API_KEY;
if (process.env.PREDATOR_API_SECRET) env.PREDATOR_API_SECRET = process.env.PREDATOR_API_SECRET;

/** `predator start`, with the trading config file when PREDATOR_CONFIG names one. */
const args = process.env.PREDATOR_CONFIG ? ['start', '--config', process.env.PREDATOR_CONFIG] : ['start'];

module.exports = {
  apps: [
    {
      name: 'predator',
      cwd: __dirname,
      script: 'bin/predator.js',
      args,
      interpreter: 'node',
      // Forked components are child processes that inherit these flags: they must be able to load
      // TypeScript before comedy loads anything in them.
      node_args: ['--import', 'tsx'],
      // One instance per Redis instance name: two runtimes would number the same journal.
      instances: 1,
      exec_mode: 'fork',
      // pm2 signals only the runtime, which stops its own forked components in reverse order.
      // With tree-kill every child would get the signal too and exit before the runtime stops it.
      treekill: false,
      // SIGINT, then SIGKILL after this long. Above the runtime's graceful stop: up to 5 s for the
      // gateway's open answers, then every component's `shutdown` (5 s by default) in reverse order.
      kill_timeout: 30000,
      autorestart: true,
      // A crash loop backs off (100 ms, then 1.5 times longer each time, at most 15 s) instead of spinning.
      exp_backoff_restart_delay: 100,
      // Ten exits in a row each within a minute of starting, and pm2 gives up (status `errored`).
      max_restarts: 10,
      min_uptime: '60s',
      // Exit code 2 is a bad command line or config: restarting cannot fix it.
      stop_exit_codes: [2],
      env,
      out_file: `${__dirname}/logs/predator.out.log`,
      error_file: `${__dirname}/logs/predator.err.log`,
      merge_logs: true,
      // pino already stamps every line.
      time: false,
    },
  ],
};
