import { formatFailure } from './report.js';
import type { CheckReport } from './run.js';

/**
 * The report as JUnit XML for CI: one `<testsuite>`, one `<testcase>` per check, a `<failure>` with
 * what was sent, what came back, why and the fix for each failed check; the url, seed and timeout
 * as properties, so a red build says how to replay it.
 *
 * @example
 * await writeFile('check-handler.xml', toJunitXml(await checkHandler({ url, secret })));
 */
export function toJunitXml(report: CheckReport): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="imagefactory-mock check-handler" tests="${report.results.length}" failures="${report.failed}" errors="0" skipped="0" time="${seconds(report.durationMs)}">`,
    '  <properties>',
    `    <property name="url" value="${attribute(report.url)}"/>`,
    `    <property name="seed" value="${attribute(report.seed)}"/>`,
    `    <property name="timeoutMs" value="${report.timeoutMs}"/>`,
    '  </properties>',
  ];
  for (const result of report.results) {
    const open = `  <testcase classname="check-handler.${attribute(result.id)}" name="${attribute(result.name)}" time="${seconds(result.durationMs)}"`;
    if (result.verdict === 'pass') {
      lines.push(`${open}/>`);
    } else {
      lines.push(
        `${open}>`,
        `    <failure message="${attribute(result.reason ?? 'failed')}" type="${result.id}">${text(formatFailure(result).join('\n'))}</failure>`,
        '  </testcase>',
      );
    }
  }
  lines.push('</testsuite>');
  return `${lines.join('\n')}\n`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** A handler's answer can hold anything; show what XML cannot carry as a visible \uXXXX. */
function printable(value: string): string {
  return value.replace(NOT_XML, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

function text(value: string): string {
  return printable(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attribute(value: string): string {
  // Newlines and tabs in attributes are normalised to spaces by XML parsers unless escaped.
  return text(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
