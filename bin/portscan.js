#!/usr/bin/env node
// The portscan command. All of it is in lib/cli/main.ts (compiled to dist/lib/cli/main.js).
'use strict';
require('../dist/lib/cli/main.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
