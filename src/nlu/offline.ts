import type { Intent, NluContext, Recognizer, Understanding } from '../core/nlu.js';
import { readChoice, readYesNo, isBareValue } from './context.js';
import { dataPath, readIntentFile } from './dataset.js';
import { extractEntities } from './entities.js';
import { IntentModel } from './model.js';
import { normalize } from './normalize.js';
import { ruleIntent } from './rules.js';

/** Below this probability the model's best guess is treated as out of scope. */
export const OTHER_THRESHOLD = 0.3;

// Steps where the user is expected to type a value: a bare value there is an answer,
// not a change of subject.
const VALUE_STEPS = new Set<NluContext['expecting']>(['phone', 'id_number', 'credit_code', 'ticket', 'score']);

/** Options for {@link createOfflineRecognizer}; the defaults read data/nlu/train.jsonl. */
export interface OfflineOptions {
  /** Labelled examples to train on instead of data/nlu/train.jsonl. */
  examples?: ReadonlyArray<{ text: string; intent: Intent }>;
}

/** Trains the intent model from labelled utterances (normalising them first). */
export function trainModel(examples: ReadonlyArray<{ text: string; intent: Intent }>): IntentModel {
  return IntentModel.train(
    examples.map((e) => ({ text: normalize(e.text).text, intent: e.intent })),
    { epochs: 10, rate: 0.2, l2: 1e-3 },
  );
}

/** The offline recogniser: keyword rules, then the model, then what the dialogue expects. */
export class OfflineRecognizer implements Recognizer {
  constructor(private readonly model: IntentModel) {}

  understand(raw: string, context: NluContext = {}): Understanding {
    return this.analyse(raw, context).understanding;
  }

  /** The understanding and what settled it: a keyword rule, the dialogue context, or the model. */
  analyse(
    raw: string,
    context: NluContext = {},
  ): { understanding: Understanding; source: 'rule' | 'context' | 'model' } {
    const text = typeof raw === 'string' ? raw : '';
    const norm = normalize(text);
    const entities = extractEntities(text);
    const detectedLocale = norm.detectedLocale;
    // Written out rather than spread from a common base: on Node 20 a property added after a
    // spread costs ~0.5 µs (a new hidden class each time).
    const rule = ruleIntent(norm.text);
    if (rule)
      return { source: 'rule', understanding: { text, entities, detectedLocale, intent: rule, confidence: 0.99 } };

    if (context.expecting === 'yesno') {
      const yn = readYesNo(norm.text);
      if (yn)
        return { source: 'context', understanding: { text, entities, detectedLocale, intent: yn, confidence: 0.99 } };
    }
    if (context.expecting === 'choice') {
      const choice = readChoice(norm.text, context);
      if (choice !== undefined)
        return {
          source: 'context',
          understanding: { text, entities, detectedLocale, intent: 'other', confidence: 1, choice },
        };
    }
    if (VALUE_STEPS.has(context.expecting) && isBareValue(entities, text)) {
      return {
        source: 'context',
        understanding: { text, entities, detectedLocale, intent: 'other', confidence: 0.99 },
      };
    }

    const guess = this.model.predict(norm.text);
    const understanding: Understanding =
      guess.probability < OTHER_THRESHOLD
        ? { text, entities, detectedLocale, intent: 'other', confidence: round(1 - guess.probability) }
        : { text, entities, detectedLocale, intent: guess.intent, confidence: round(guess.probability) };
    return { source: 'model', understanding };
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

let shared: OfflineRecognizer | undefined;

/**
 * The offline recogniser. Without options it is trained once per process from
 * data/nlu/train.jsonl (about 100 ms) and shared by every caller.
 */
export function createOfflineRecognizer(options: OfflineOptions = {}): OfflineRecognizer {
  if (options.examples) return new OfflineRecognizer(trainModel(options.examples));
  shared ??= new OfflineRecognizer(trainModel(readIntentFile(dataPath('train.jsonl'))));
  return shared;
}
