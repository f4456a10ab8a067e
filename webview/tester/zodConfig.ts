// Imported first by main.ts: zod decides at schema creation whether to compile fast paths with `new Function`,
// which the webview's CSP (no 'unsafe-eval') refuses, and even the probe is reported as a violation.
import * as z from 'zod';

z.config({ jitless: true });
