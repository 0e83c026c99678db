// Copies the browser bundles the settings pages load from the installed (pinned) packages into
// views/assets/vendor/, so the host serves them itself: the admin pages work with no network and
// always run the version package-lock.json pins. Run by `npm run build`; the copies are not committed.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const out = join(root, 'views', 'assets', 'vendor');
mkdirSync(out, { recursive: true });

// Microsoft's Adaptive Cards renderer (MIT): draws the Teams preview as Teams draws the card.
const acDist = dirname(require.resolve('adaptivecards/dist/adaptivecards.min.js'));
const acVersion = JSON.parse(readFileSync(join(acDist, '..', 'package.json'), 'utf8')).version;
copyFileSync(join(acDist, 'adaptivecards.min.js'), join(out, 'adaptivecards.min.js'));
copyFileSync(join(acDist, 'adaptivecards.min.js.LICENSE.txt'), join(out, 'adaptivecards.min.js.LICENSE.txt'));
process.stdout.write(`vendor assets: adaptivecards ${acVersion} -> views/assets/vendor/\n`);
