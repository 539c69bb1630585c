import { describe, expect, it } from 'vitest';
import { formatReport, type CheckReport } from '../../src/check-handler/index.js';
import { fixedReport } from './fixed-report.js';

describe('formatReport', () => {
  it('prints a line per check, the details of each failure, the counts and the replay line', () => {
    expect(formatReport(fixedReport)).toBe(
      [
        'check-handler: http://127.0.0.1:3000/webhooks/imagefactory?a=1&b=2',
        '  seed 42, timeout 3000 ms, 2 checks',
        '',
        '✓ a valid single-render delivery is acknowledged with 2xx [valid-single] (5 ms)',
        '✗ a delivery without a Signature header is rejected with 4xx [missing-signature]',
        '    sent: POST http://127.0.0.1:3000/webhooks/imagefactory?a=1&b=2 (no Signature header)',
        '          no Signature header, Content-Type: application/json, 35 bytes',
        '          {"uuid":"u","public_url":"https:\\/\\/x"}',
        '    got:  200 after 3 ms: <ok>\\n\\u0001',
        '    expected: 4xx within 3000 ms',
        '    why:  the call was answered 200, expected 4xx: "quoted" & <tagged>',
        '    fix:  answer 401',
        '',
        '1 passed, 1 failed',
        'replay this run: imagefactory-mock check-handler --url http://127.0.0.1:3000/webhooks/imagefactory?a=1&b=2 --seed 42',
        '',
      ].join('\n'),
    );
  });

  it('lists further failed calls of one check on a line each, and counts the calls that were fine', () => {
    const sent = { ...fixedReport.results[1]!.deliveries[0]!.sent, headers: { 'Content-Type': 'application/json', Signature: 'ab12' } };
    const timeout = { status: null, latencyMs: 250, bodyExcerpt: '', error: { kind: 'timeout' as const, message: 'no answer within 250 ms' } };
    const report: CheckReport = {
      ...fixedReport,
      passed: 0,
      results: [
        {
          id: 'split-out-of-order',
          name: 'split',
          expected: '2xx within 250 ms',
          verdict: 'fail',
          durationMs: 500,
          reason: 'slow',
          fix: 'be fast',
          deliveries: [
            { sent: { ...sent, label: 'call 2 of 3', note: 'part of a split batch' }, answer: timeout, ok: false },
            { sent: { ...sent, label: 'call 1 of 3' }, answer: { status: 200, latencyMs: 1, bodyExcerpt: '' }, ok: true },
            { sent: { ...sent, label: 'call 3 of 3' }, answer: { ...timeout, latencyMs: 251 }, ok: false },
          ],
        },
      ],
    };
    expect(formatReport(report)).toContain(
      [
        '✗ split [split-out-of-order]',
        '    sent: POST http://127.0.0.1:3000/webhooks/imagefactory?a=1&b=2, call 2 of 3 (part of a split batch)',
        '          Signature: ab12, Content-Type: application/json, 35 bytes',
        '          {"uuid":"u","public_url":"https:\\/\\/x"}',
        '    got:  no answer within 250 ms (after 250 ms)',
        '    also: call 3 of 3: no answer within 250 ms (after 251 ms)',
        '    (1 other call was answered as expected)',
        '    expected: 2xx within 250 ms',
        '    why:  slow',
        '    fix:  be fast',
      ].join('\n'),
    );
  });

  it('prints no replay line when every check passed', () => {
    const report: CheckReport = { ...fixedReport, results: [fixedReport.results[0]!], passed: 1, failed: 0, ok: true };
    expect(formatReport(report).endsWith('\n1 passed, 0 failed\n')).toBe(true);
  });
});
