/**
 * `npm run bench`: every benchmark of the project, one after another, figures printed as they
 * come. `npm run bench -- renderer` runs only the suites whose name contains "renderer".
 */
import { formatFigure, type BenchFigure } from './lib.js';

interface Suite {
  name: string;
  load: () => Promise<{ run: () => Promise<BenchFigure[]> }>;
}

const suites: Suite[] = [
  { name: 'api', load: () => import('./api.bench.js') },
  { name: 'pipeline', load: () => import('./pipeline.bench.js') },
  { name: 'renderer', load: () => import('./renderer.bench.js') },
];

const filter = process.argv[2];
let missed = 0;
for (const suite of suites.filter((candidate) => !filter || candidate.name.includes(filter))) {
  console.log(`\n# ${suite.name}`);
  const { run } = await suite.load();
  for (const figure of await run()) {
    console.log(formatFigure(figure));
    if (figure.budget && !figure.budget.met) missed += 1;
  }
}
console.log(missed === 0 ? '\nall budgets met' : `\n${missed} budget(s) missed`);
