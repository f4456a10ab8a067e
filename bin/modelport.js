#!/usr/bin/env node
'use strict';
// The published entry point: the bundled CLI lives in dist/ (built by `npm run build`).
require('../dist/cli.js');
