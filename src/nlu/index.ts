import type { Recognizer } from '../core/nlu.js';
import { LlmRecognizer, type LlmConfig } from './llm.js';
import { createOfflineRecognizer } from './offline.js';
import { withLanguageSignals } from './language-request.js';

export { createOfflineRecognizer, OfflineRecognizer } from './offline.js';
export { LlmRecognizer, type LlmConfig } from './llm.js';
export { extractEntities } from './entities.js';
export { runNluCli } from './cli-nlu.js';

/** The part of the application configuration that chooses a recogniser. */
export interface RecognizerConfig {
  openai?: { apiKey: string; baseURL?: string; model: string; timeoutMs: number };
}

/** The LLM recogniser (with the offline one as its fallback) when an API key is set, else the offline one. */
export function createRecognizer(config: RecognizerConfig = {}): Recognizer {
  const offline = createOfflineRecognizer();
  if (!config.openai?.apiKey) return withLanguageSignals(offline);
  const llm: LlmConfig = { ...config.openai };
  return withLanguageSignals(new LlmRecognizer(llm, offline));
}
