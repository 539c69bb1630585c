/**
 * Issue 3's delivery budgets: a 10,000-key instant batch settled in under 3 s, and a
 * 100,000-key batch settled with the process's peak memory under 400 MB. Each batch runs in a
 * child process of its own (its peak RSS is the mock's alone); the receiver runs here.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median, type BenchFigure } from './lib.js';
import { startCountingReceiver } from './receiver.js';

const run_ = promisify(execFile);
const CHILD = fileURLToPath(new URL('./large-batch-child.ts', import.meta.url));

interface ChildFigures {
  acceptedMs: number;
  settledMs: number;
  calls: number;
  renders: number;
  delivered: number;
  failed: number;
  peakRssMb: number;
}

async function largeBatch(keys: number, webhookUrl: string): Promise<ChildFigures> {
  const { stdout } = await run_(process.execPath, ['--import', 'tsx', CHILD, String(keys), webhookUrl], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildFigures;
}

export async function run(): Promise<BenchFigure[]> {
  const receiver = await startCountingReceiver();
  const tenK: ChildFigures[] = [];
  for (let round = 0; round < 3; round += 1) tenK.push(await largeBatch(10_000, receiver.url));
  const hundredK = await largeBatch(100_000, receiver.url);
  await receiver.close();
  const settled10k = median(tenK.map((figures) => figures.settledMs));
  const allDelivered = [...tenK, hundredK].every((figures) => figures.delivered === figures.renders && figures.failed === 0);
  return [
    { name: '10,000-key instant batch: POST to every key settled (median of 3)', value: settled10k, unit: 'ms', budget: { target: '< 3000 ms', met: settled10k < 3_000 && allDelivered }, note: `${tenK[0]!.calls} calls, accepted in ${median(tenK.map((f) => f.acceptedMs)).toFixed(0)} ms` },
    { name: '100,000-key instant batch: POST to every key settled', value: hundredK.settledMs, unit: 'ms', note: `${hundredK.calls} calls, ${hundredK.delivered} delivered` },
    { name: '100,000-key instant batch: peak RSS of the mock process', value: hundredK.peakRssMb, unit: 'MB', budget: { target: '< 400 MB', met: hundredK.peakRssMb < 400 && allDelivered } },
  ];
}
