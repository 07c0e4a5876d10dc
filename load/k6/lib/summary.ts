// handleSummary for every script: the usual text summary on stdout, a JUnit report (one testcase per
// threshold, i.e. per gate) and the raw JSON summary under out/, named after the scenario.
import { jUnit, textSummary } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';

/** Where the reports go, relative to k6's working directory (`/scripts` in the compose k6 service). */
const OUT_DIR = __ENV.K6_OUT_DIR ?? 'out';

/** Builds the handleSummary result for the scenario `name`. */
export function summaryFiles(name: string, data: unknown): Record<string, string> {
  return {
    stdout: textSummary(data, { indent: ' ', enableColors: false }),
    [`${OUT_DIR}/${name}.junit.xml`]: jUnit(data, { name: `aftershock k6: ${name}`, classname: name }),
    [`${OUT_DIR}/${name}.summary.json`]: JSON.stringify(data, null, 2),
  };
}
