// junit.xml for CI: one testsuite per scenario, one testcase per gate (each checker is a gate of its
// own), a <failure> carrying the measured value and the tolerance when it did not hold.
import type { Journal } from './journal.js';

function escapeXml(text: string): string {
  // XML 1.0 cannot carry these control characters at all, even escaped: they are dropped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** Renders the journal's gates as a JUnit report (the schema Jenkins, GitLab and GitHub readers accept). */
export function junitXml(journal: Journal): string {
  const failures = journal.gates.filter((g) => !g.passed).length;
  const seconds = (journal.duration_ms / 1000).toFixed(3);
  const suite = escapeXml(journal.title);
  const cases = journal.gates.map((g) => {
    const name = escapeXml(g.name);
    const classname = `aftershock.${g.kind}`;
    const open = `    <testcase name="${name}" classname="${classname}" time="0">`;
    if (g.passed) return `${open}<system-out>${escapeXml(g.detail)}</system-out></testcase>`;
    const message = escapeXml(`measured ${g.measured ?? 'nothing'}, needs ${g.tolerance}`);
    return `${open}\n      <failure message="${message}" type="${g.kind}">${escapeXml(g.detail)}</failure>\n    </testcase>`;
  });
  if (journal.status === 'interrupted' || journal.status === 'aborted') {
    cases.push(`    <testcase name="run ${journal.status}" classname="aftershock.run" time="0">\n      <error message="the run was ${journal.status}" type="${journal.status}">${escapeXml(journal.errors.join('; '))}</error>\n    </testcase>`);
  }
  const errors = journal.status === 'interrupted' || journal.status === 'aborted' ? 1 : 0;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="aftershock" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}">`,
    `  <testsuite name="${suite}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}" timestamp="${journal.started_at.replace(/\.\d+Z$/, '')}">`,
    `    <properties><property name="seed" value="${journal.seed}"/><property name="replay" value="${escapeXml(journal.replay)}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
