import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers next: tool-call arguments (or raw text of them), plain content, a delay, a status. */
export interface FakeReply {
  args?: unknown;
  rawArgs?: string;
  content?: string;
  delayMs?: number;
  status?: number;
}

export interface ChatBody {
  messages: Array<{ role: string; content: string }>;
  tool_choice?: { function?: { name?: string } } | unknown;
  tools?: unknown[];
}

export interface FakeOpenAIOptions {
  /** The reply for the request in hand (tests change it between cases). */
  reply: () => FakeReply;
  /** Name of the function in the tool call it answers with. */
  tool: string;
  /** Requests it does not serve get an HTTP 500 (another component's calls). */
  accept?: (body: ChatBody) => boolean;
  /** Sees every accepted request, for assertions on what was sent. */
  onRequest: (body: ChatBody, url: string | undefined) => void;
}

const read = async (req: IncomingMessage): Promise<string> => {
  let s = '';
  for await (const chunk of req) s += String(chunk);
  return s;
};

/**
 * A local stand-in for an OpenAI-compatible endpoint on 127.0.0.1: answers
 * POST /v1/chat/completions in the real response format, so the real openai SDK can be pointed at it.
 */
export async function startFakeOpenAI(
  options: FakeOpenAIOptions,
): Promise<{ baseURL: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void read(req).then((text) => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(text) as ChatBody;
      if (options.accept && !options.accept(body)) {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"not this test"}}');
        return;
      }
      options.onRequest(body, req.url);
      const reply = options.reply();
      const answer = (): void => {
        const toolCalls =
          reply.content === undefined
            ? [
                {
                  id: 'call_1',
                  type: 'function',
                  function: { name: options.tool, arguments: reply.rawArgs ?? JSON.stringify(reply.args) },
                },
              ]
            : undefined;
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'chatcmpl-test',
            object: 'chat.completion',
            created: 1764000000,
            model: 'fake-model',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: reply.content ?? null, tool_calls: toolCalls, refusal: null },
                logprobs: null,
                finish_reason: toolCalls ? 'tool_calls' : 'stop',
              },
            ],
            usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
          }),
        );
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
