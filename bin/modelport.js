#!/usr/bin/env node
'use strict';
// The installed command: the bundled CLI in dist/ (built by `npm run build`, which `npm install` and `npm pack` run
// through the package's prepare script).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error(`modelport: ${cli} is missing. In a checkout, run \`npm run build\` (npm install runs it too).`);
  process.exit(1);
}
require(cli);
