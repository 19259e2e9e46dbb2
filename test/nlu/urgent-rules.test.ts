import { describe, expect, it } from 'vitest';
import { createOfflineRecognizer } from '../../src/nlu/offline.js';

describe('urgent problems are never heard as "stop"', () => {
  const recognizer = createOfflineRecognizer();
  it.each([
    '停机了，急！',
    '手机突然停机了',
    '打不了电话了，怎么回事',
    'My phone cannot make calls, this is an emergency',
  ])('%s -> complaint', async (text) => {
    expect((await recognizer.understand(text)).intent).toBe('complaint');
  });
  it.each(['停', '算了', 'stop'])('%s is still cancel', async (text) => {
    expect((await recognizer.understand(text)).intent).toBe('cancel');
  });
});
