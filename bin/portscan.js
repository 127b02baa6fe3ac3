#!/usr/bin/env node
// The portscan command. All of it is in lib/cli/main.ts (compiled to dist/lib/cli/main.js). The
// only environment it reads: the sudo user's ids, whom a root scan drops to (lib/cli/privdrop.ts).
'use strict';
const { SUDO_UID, SUDO_GID } = process.env;
require('../dist/lib/cli/main.js')
  .main(process.argv.slice(2), { SUDO_UID, SUDO_GID })
  .then((code) => {
    process.exitCode = code;
  });
