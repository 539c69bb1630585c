import type { CheckReport, CheckResult, DeliveryOutcome } from './run.js';

/**
 * The human report of a check-handler run: one line per check (✓ or ✗), and for each failure what
 * was sent, what came back, why it is wrong and how to fix it; then the counts and the replay line.
 *
 * @example
 * const report = await checkHandler({ url, secret });
 * process.stdout.write(formatReport(report));
 */
export function formatReport(report: CheckReport): string {
  const lines = [
    `check-handler: ${report.url}`,
    `  seed ${report.seed}, timeout ${report.timeoutMs} ms, ${report.results.length} checks`,
    '',
  ];
  for (const result of report.results) {
    if (result.verdict === 'pass') {
      lines.push(`✓ ${result.name} [${result.id}] (${result.durationMs} ms)`);
    } else {
      lines.push(`✗ ${result.name} [${result.id}]`, ...formatFailure(result).map((line) => `    ${line}`));
    }
  }
  lines.push('', `${report.passed} passed, ${report.failed} failed`);
  if (!report.ok) {
    lines.push(`replay this run: imagefactory-mock check-handler --url ${report.url} --seed ${report.seed}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The details of a failed check, as lines without indentation: what was sent, what came back,
 * why it is wrong, how to fix it. Also the text of a JUnit `<failure>`.
 */
export function formatFailure(result: CheckResult): string[] {
  const failing = result.deliveries.filter((outcome) => !outcome.ok);
  const [first, ...more] = failing;
  const several = result.deliveries.length > 1;
  const lines = first === undefined ? [] : formatDelivery(first, several);
  for (const outcome of more) lines.push(`also: ${outcome.sent.label}: ${describeAnswer(outcome)}`);
  const others = result.deliveries.length - failing.length;
  if (others > 0) {
    lines.push(`(${others} other call${others === 1 ? ' was' : 's were'} answered as expected)`);
  }
  lines.push(`expected: ${result.expected}`);
  if (result.reason !== undefined) lines.push(`why:  ${result.reason}`);
  if (result.fix !== undefined) lines.push(`fix:  ${result.fix}`);
  return lines;
}

function describeAnswer({ answer }: DeliveryOutcome): string {
  if (answer.status === null) return `${answer.error?.message ?? 'no answer'} (after ${answer.latencyMs} ms)`;
  const body = answer.bodyExcerpt === '' ? ', empty body' : `: ${oneLine(answer.bodyExcerpt)}`;
  return `${answer.status} after ${answer.latencyMs} ms${body}`;
}

function formatDelivery(outcome: DeliveryOutcome, several: boolean): string[] {
  const { sent } = outcome;
  const signature = sent.headers.Signature === undefined ? 'no Signature header' : `Signature: ${sent.headers.Signature}`;
  return [
    `sent: ${sent.method} ${sent.url}${several ? `, ${sent.label}` : ''} (${sent.note})`,
    `      ${signature}, Content-Type: ${sent.headers['Content-Type'] ?? ''}, ${sent.bodyBytes} bytes`,
    `      ${oneLine(sent.bodyExcerpt)}`,
    `got:  ${describeAnswer(outcome)}`,
  ];
}

/**
 * Keeps a report line a line, and a terminal safe from whatever a handler answers: newlines and
 * other control characters (ANSI escapes included) are shown escaped.
 */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
