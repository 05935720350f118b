#!/usr/bin/env node
'use strict';
// The `predator` command. The runtime is TypeScript run through tsx; forked actors register it too.
require('tsx/cjs/api').register();
require('./cli.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code;
    },
    (error) => {
      console.error(error && error.stack ? error.stack : String(error));
      process.exitCode = 1;
    },
  );
