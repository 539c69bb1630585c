/**
 * Small helpers shared by the benchmarks. The machines are shared and noisy, so every figure is
 * the median of several rounds, and every comparison is a ratio against a baseline measured in
 * the same process, interleaved round by round with the thing measured.
 */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** A ratio or an absolute figure checked against the budget. */
  budget?: { target: string; met: boolean };
  note?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs `operation` repeatedly for about `durationMs` and returns operations per second. */
export async function measureRate(operation: () => Promise<unknown>, durationMs: number): Promise<number> {
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < durationMs) {
    await operation();
    count += 1;
  }
  return count / ((performance.now() - started) / 1000);
}

/** Interleaves rounds of a baseline and a subject so that machine noise hits both alike. */
export async function compareRates(
  baseline: () => Promise<unknown>,
  subject: () => Promise<unknown>,
  options: { rounds: number; roundMs: number; concurrency?: number },
): Promise<{ baseline: number; subject: number; ratio: number }> {
  const concurrency = options.concurrency ?? 1;
  const run = (operation: () => Promise<unknown>) =>
    Promise.all(Array.from({ length: concurrency }, () => measureRate(operation, options.roundMs))).then(
      (rates) => rates.reduce((sum, rate) => sum + rate, 0),
    );
  const baselineRates: number[] = [];
  const subjectRates: number[] = [];
  await run(baseline); // warm-up, discarded
  await run(subject);
  for (let round = 0; round < options.rounds; round += 1) {
    baselineRates.push(await run(baseline));
    subjectRates.push(await run(subject));
  }
  const baselineMedian = median(baselineRates);
  const subjectMedian = median(subjectRates);
  return { baseline: baselineMedian, subject: subjectMedian, ratio: subjectMedian / baselineMedian };
}

export function formatFigure(figure: BenchFigure): string {
  const value = figure.value >= 100 ? figure.value.toFixed(0) : figure.value.toFixed(2);
  const budget = figure.budget ? `  [target ${figure.budget.target}: ${figure.budget.met ? 'met' : 'MISSED'}]` : '';
  const note = figure.note ? `  (${figure.note})` : '';
  return `${figure.name.padEnd(58)} ${value.padStart(10)} ${figure.unit}${budget}${note}`;
}
