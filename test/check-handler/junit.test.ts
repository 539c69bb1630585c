import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookHandler, type RunningWebhookHandler } from '../../examples/webhook-handler.js';
import { checkHandler, toJunitXml } from '../../src/check-handler/index.js';
import { fixedReport } from './fixed-report.js';

/** A rough well-formedness check: every tag closes in order, and no stray & or < in text. */
function assertWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, '');
  const stack: string[] = [];
  for (const match of body.matchAll(/<(\/?)([A-Za-z]+)((?:\s+[A-Za-z]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name as string);
  }
  expect(stack).toEqual([]);
  const text = body.replace(/<[^>]*>/g, '');
  expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
  expect(text).not.toMatch(/[<>]/);
  expect(body).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
}

const running: RunningWebhookHandler[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((handler) => handler.close()));
});

describe('toJunitXml', () => {
  it('writes one testsuite with a testcase per check and an escaped failure', () => {
    expect(toJunitXml(fixedReport)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuite name="imagefactory-mock check-handler" tests="2" failures="1" errors="0" skipped="0" time="1.234">',
        '  <properties>',
        '    <property name="url" value="http://127.0.0.1:3000/webhooks/imagefactory?a=1&amp;b=2"/>',
        '    <property name="seed" value="42"/>',
        '    <property name="timeoutMs" value="3000"/>',
        '  </properties>',
        '  <testcase classname="check-handler.valid-single" name="a valid single-render delivery is acknowledged with 2xx" time="0.005"/>',
        '  <testcase classname="check-handler.missing-signature" name="a delivery without a Signature header is rejected with 4xx" time="0.012">',
        '    <failure message="the call was answered 200, expected 4xx: &quot;quoted&quot; &amp; &lt;tagged&gt;" type="missing-signature">sent: POST http://127.0.0.1:3000/webhooks/imagefactory?a=1&amp;b=2 (no Signature header)',
        '      no Signature header, Content-Type: application/json, 35 bytes',
        '      {"uuid":"u","public_url":"https:\\/\\/x"}',
        'got:  200 after 3 ms: &lt;ok&gt;\\n\\u0001',
        'expected: 4xx within 3000 ms',
        'why:  the call was answered 200, expected 4xx: "quoted" &amp; &lt;tagged&gt;',
        'fix:  answer 401</failure>',
        '  </testcase>',
        '</testsuite>',
        '',
      ].join('\n'),
    );
  });

  it('escapes newlines in attributes and shows characters XML cannot carry as \\uXXXX', () => {
    const report = {
      ...fixedReport,
      results: [{ ...fixedReport.results[1]!, reason: "line\nbreak 'apos' \u0007 \ud800" }],
    };
    expect(toJunitXml(report)).toContain('message="line&#10;break &apos;apos&apos; \\u0007 \\ud800"');
  });

  it('writes well-formed XML for a real run with failures', async () => {
    const broken = await startWebhookHandler({ secret: 's', flaw: 'reserialises-body' });
    running.push(broken);
    const xml = toJunitXml(await checkHandler({ url: broken.url, secret: 's', seed: 9 }));
    assertWellFormed(xml);
    expect(xml.match(/<testcase /g)).toHaveLength(9);
    expect(xml.match(/<failure /g)).toHaveLength(6);
  });
});
