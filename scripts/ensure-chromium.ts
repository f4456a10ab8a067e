// npm run test:e2e runs this first: a Chromium for the browser suite, installed from Debian's packages where this
// machine allows it (root, apt-get). Prints one line either way and never fails: without a browser the suite
// skips itself and says what to install.
//   node --import tsx scripts/ensure-chromium.ts
import { ensureChromium } from '../test/helpers/chromium';

const found = ensureChromium((line) => console.log(`chromium: ${line}`));
console.log('path' in found ? `chromium: ${found.path}` : `chromium: ${found.missing}; the browser suite will be skipped`);
