import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runNluCli } from '../../src/nlu/cli-nlu.js';

async function run(input: string): Promise<{ code: number; lines: unknown[] }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stdin.end(input);
  const code = await runNluCli({ input: stdin, output: stdout });
  return {
    code,
    lines: out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown),
  };
}

describe('kefu nlu', () => {
  it('answers one JSON line per input line', async () => {
    const { code, lines } = await run('{"text":"转人工"}\n{"text":"YD261125000042进度怎么样"}\n');
    expect(code).toBe(0);
    expect(lines).toEqual([
      { text: '转人工', intent: 'agent', confidence: expect.any(Number), entities: [] },
      {
        text: 'YD261125000042进度怎么样',
        intent: 'status',
        confidence: expect.any(Number),
        entities: [{ type: 'ticket', value: 'YD261125000042' }],
      },
    ]);
  });

  it('reports a malformed line and goes on', async () => {
    const { code, lines } = await run('not json\n{"text": 3}\n[1]\n\n{"text":"你好"}\r\n');
    expect(code).toBe(1);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ error: { code: 'KEFU_BAD_NLU_INPUT', message: expect.any(String) }, line: 1 });
    expect(lines[1]).toMatchObject({ error: { code: 'KEFU_BAD_NLU_INPUT' }, line: 2 });
    expect(lines[2]).toMatchObject({ error: { code: 'KEFU_BAD_NLU_INPUT' }, line: 3 });
    expect(lines[3]).toMatchObject({ text: '你好', intent: 'greet' });
  });

  it('prints entity type and value only', async () => {
    const { lines } = await run('{"text":"手机 138-1234-5678"}\n');
    expect(lines[0]).toMatchObject({ entities: [{ type: 'phone', value: '13812345678' }] });
    expect(Object.keys((lines[0] as { entities: object[] }).entities[0] ?? {})).toEqual(['type', 'value']);
  });
});
