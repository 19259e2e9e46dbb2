import { INTENTS, type Intent } from '../core/nlu.js';
import { features } from './features.js';

/** One labelled utterance, text already normalised. */
export interface Example {
  text: string;
  intent: Intent;
}

export interface Prediction {
  intent: Intent;
  probability: number;
}

const K = INTENTS.length;
const CLASS = new Map<string, number>(INTENTS.map((name, i) => [name, i]));

/**
 * Multinomial logistic regression over sparse binary features, trained with AdaGrad.
 * ~1,100 examples train in well under 100 ms, so the model is rebuilt at load time from
 * the data file instead of shipping opaque weights.
 */
export class IntentModel {
  private readonly index = new Map<string, number>();
  private weights = new Float64Array(0);
  private readonly bias = new Float64Array(K);
  /** Feature ids already counted in this prediction: `seen[id] === stamp`. */
  private seen = new Uint32Array(0);
  private stamp = 0;

  static train(examples: readonly Example[], opts: { epochs?: number; rate?: number; l2?: number } = {}): IntentModel {
    const model = new IntentModel();
    const epochs = opts.epochs ?? 30;
    const rate = opts.rate ?? 0.5;
    const l2 = opts.l2 ?? 1e-4;
    const rows = examples.map((e) => ({ y: CLASS.get(e.intent) ?? K - 1, x: model.encode(e.text, true) }));
    const w = (model.weights = new Float64Array(model.index.size * K));
    const g2 = new Float64Array(w.length).fill(1e-8);
    const b2 = new Float64Array(K).fill(1e-8);
    const p = new Float64Array(K);
    // A fixed-seed shuffle keeps training deterministic, so evaluations are repeatable.
    let seed = 42;
    const order = rows.map((_, i) => i);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const j = seed % (i + 1);
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      for (const r of order) {
        const row = rows[r];
        if (!row) continue;
        model.scores(row.x, p);
        softmax(p);
        for (let k = 0; k < K; k++) {
          const g = (p[k] as number) - (k === row.y ? 1 : 0);
          b2[k] = (b2[k] as number) + g * g;
          model.bias[k] = (model.bias[k] as number) - (rate * g) / Math.sqrt(b2[k] as number);
          for (const f of row.x) {
            const at = f * K + k;
            const grad = g + l2 * (w[at] as number);
            g2[at] = (g2[at] as number) + grad * grad;
            w[at] = (w[at] as number) - (rate * grad) / Math.sqrt(g2[at] as number);
          }
        }
      }
    }
    return model;
  }

  /** Class probabilities for a normalised text, in INTENTS order. */
  probabilities(text: string): Float64Array {
    // The scores of `scores(encode(text))`, summed in the same order, without the id list.
    const w = this.weights;
    const p = new Float64Array(K);
    for (let k = 0; k < K; k++) p[k] = this.bias[k] as number;
    if (this.seen.length !== this.index.size) this.seen = new Uint32Array(this.index.size);
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    for (const f of features(text)) {
      const id = this.index.get(f);
      if (id === undefined || this.seen[id] === this.stamp) continue;
      this.seen[id] = this.stamp;
      const base = id * K;
      for (let k = 0; k < K; k++) p[k] = (p[k] as number) + (w[base + k] as number);
    }
    return softmax(p);
  }

  predict(text: string): Prediction {
    const p = this.probabilities(text);
    let best = K - 1;
    for (let k = 0; k < K; k++) if ((p[k] as number) > (p[best] as number)) best = k;
    return { intent: INTENTS[best] as Intent, probability: p[best] as number };
  }

  private encode(text: string, grow: boolean): number[] {
    const ids = new Set<number>();
    for (const f of features(text)) {
      let id = this.index.get(f);
      if (id === undefined && grow) this.index.set(f, (id = this.index.size));
      if (id !== undefined) ids.add(id);
    }
    return [...ids];
  }

  private scores(x: readonly number[], out: Float64Array): void {
    const w = this.weights;
    for (let k = 0; k < K; k++) out[k] = this.bias[k] as number;
    for (const f of x) {
      const base = f * K;
      for (let k = 0; k < K; k++) out[k] = (out[k] as number) + (w[base + k] as number);
    }
  }
}

function softmax(v: Float64Array): Float64Array {
  let max = -Infinity;
  for (const x of v) if (x > max) max = x;
  let sum = 0;
  for (let k = 0; k < v.length; k++) sum += v[k] = Math.exp((v[k] as number) - max);
  for (let k = 0; k < v.length; k++) v[k] = (v[k] as number) / sum;
  return v;
}
