/**
 * Offline NLU evaluation, for people and CI: `node --import tsx src/nlu/eval.ts`.
 * Trains on data/nlu/train.jsonl, tests on data/nlu/test.jsonl and data/nlu/entities.jsonl,
 * and exits 1 when intent accuracy < 0.95 or entity F1 < 0.98.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { INTENTS, type Entity, type Intent } from '../core/nlu.js';
import { dataPath, readIntentFile } from './dataset.js';
import { extractEntities } from './entities.js';
import { createOfflineRecognizer } from './offline.js';

export const MIN_ACCURACY = 0.95;
export const MIN_ENTITY_F1 = 0.98;

/** The figures {@link evaluate} computes. */
export interface EvalReport {
  accuracy: number;
  perIntent: Record<string, { correct: number; total: number }>;
  confusion: Record<string, Record<string, number>>;
  entity: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number };
  utterancesPerSecond: number;
  trainMs: number;
  errors: string[];
}

/** Trains, tests and times the offline recogniser. */
export function evaluate(opts: { timeMs?: number } = {}): EvalReport {
  const train = readIntentFile(dataPath('train.jsonl'));
  const test = readIntentFile(dataPath('test.jsonl'));
  const t0 = performance.now();
  const recognizer = createOfflineRecognizer({ examples: train });
  const trainMs = performance.now() - t0;

  const perIntent: EvalReport['perIntent'] = {};
  const confusion: EvalReport['confusion'] = {};
  const errors: string[] = [];
  let correct = 0;
  for (const row of test) {
    const got = recognizer.understand(row.text).intent;
    const cell = (perIntent[row.intent] ??= { correct: 0, total: 0 });
    cell.total++;
    const rowConfusion = (confusion[row.intent] ??= {});
    rowConfusion[got] = (rowConfusion[got] ?? 0) + 1;
    if (got === row.intent) {
      correct++;
      cell.correct++;
    } else errors.push(`${row.intent} -> ${got}: ${row.text}`);
  }

  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const line of readFileSync(dataPath('entities.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { text: string; entities: Array<Pick<Entity, 'type' | 'value'>> };
    const want = new Set(row.entities.map((e) => `${e.type}=${e.value}`));
    const got = new Set(extractEntities(row.text).map((e) => `${e.type}=${e.value}`));
    for (const g of got)
      if (want.has(g)) tp++;
      else {
        fp++;
        errors.push(`entity false positive ${g}: ${row.text}`);
      }
    for (const w of want)
      if (!got.has(w)) {
        fn++;
        errors.push(`entity missed ${w}: ${row.text}`);
      }
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);

  // Whole understanding (normalisation, rules, model, entities) on one core.
  const budget = opts.timeMs ?? 2000;
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budget) {
    for (const row of test) recognizer.understand(row.text);
    n += test.length;
  }
  const utterancesPerSecond = n / ((performance.now() - start) / 1000);

  return {
    accuracy: correct / test.length,
    perIntent,
    confusion,
    entity: { precision, recall, f1, tp, fp, fn },
    utterancesPerSecond,
    trainMs,
    errors,
  };
}

function print(r: EvalReport): void {
  const pct = (x: number): string => (100 * x).toFixed(1).padStart(5) + '%';
  console.log('intent          accuracy   n');
  for (const intent of INTENTS) {
    const c = r.perIntent[intent];
    if (c) console.log(`${intent.padEnd(15)} ${pct(c.correct / c.total)}  ${String(c.total).padStart(3)}`);
  }
  const used = INTENTS.filter((i) => r.perIntent[i]);
  const short = (i: string): string => i.slice(0, 5).padStart(6);
  console.log('\nconfusion (rows: expected, columns: predicted)');
  console.log(' '.repeat(11) + used.map(short).join(''));
  for (const want of used) {
    const row = r.confusion[want] ?? {};
    console.log(want.padEnd(11) + used.map((got: Intent) => String(row[got] ?? '.').padStart(6)).join(''));
  }
  if (r.errors.length) console.log('\nerrors:\n  ' + r.errors.join('\n  '));
  const worst = used
    .map((i) => [i, (r.perIntent[i]?.correct ?? 0) / (r.perIntent[i]?.total ?? 1)] as const)
    .sort((a, b) => a[1] - b[1])[0];
  console.log(`\nintent accuracy   ${pct(r.accuracy)}  (worst: ${worst?.[0]} ${pct(worst?.[1] ?? 0)})`);
  console.log(
    `entities          P ${pct(r.entity.precision)}  R ${pct(r.entity.recall)}  F1 ${pct(r.entity.f1)}  (tp ${r.entity.tp}, fp ${r.entity.fp}, fn ${r.entity.fn})`,
  );
  console.log(`training          ${r.trainMs.toFixed(0)} ms`);
  console.log(`throughput        ${Math.round(r.utterancesPerSecond)} utterances/s (one core, full understanding)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = evaluate();
  print(report);
  const ok = report.accuracy >= MIN_ACCURACY && report.entity.f1 >= MIN_ENTITY_F1;
  if (!ok) console.error(`FAIL: need intent accuracy >= ${MIN_ACCURACY} and entity F1 >= ${MIN_ENTITY_F1}`);
  process.exitCode = ok ? 0 : 1;
}
