// Takes a full-page screenshot of a report in headless Chromium, for the docs:
// npx tsx test/scenarios/report/support/screenshot.ts <report.html> <out.png> [width]
import { openFile } from './chromium.js';

const [html, png, width] = process.argv.slice(2);
if (!html || !png) {
  console.error('usage: screenshot.ts <report.html> <out.png> [width]');
  process.exit(2);
}
const opened = await openFile(html, { width: Number(width ?? 1280), height: 900 });
try {
  await opened.page.screenshot({ path: png, fullPage: true });
  if (opened.errors.length > 0) console.error(opened.errors.join('\n'));
  console.log(png);
} finally {
  await opened.close();
}
