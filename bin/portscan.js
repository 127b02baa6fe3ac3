#!/usr/bin/env node
// The portscan command. All of it is in lib/cli.ts (compiled to dist/lib/cli.js).
'use strict';
require('../dist/lib/cli.js').main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
