import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { PlainHttpClient } from '../../bench/http-client.js';

const listen = async <S extends Server | TcpServer>(server: S): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

describe('bench HTTP client', () => {
  let server: Server | TcpServer | undefined;
  let client: PlainHttpClient | undefined;
  afterEach(() => {
    client?.close();
    server?.close();
  });

  it('posts JSON and reads chunked and content-length answers over reused connections', async () => {
    const peers = new Set<number>();
    const http = createServer((req, res) => {
      peers.add(req.socket.remotePort!);
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw) as { text: string; chunked?: boolean };
        const answer = JSON.stringify({ echo: body.text, path: req.url, type: req.headers['content-type'] });
        if (body.chunked) {
          res.writeHead(201, { 'x-kefu-turn': '7' });
          res.write(answer.slice(0, 5));
          res.end(answer.slice(5));
        } else {
          res.writeHead(200, { 'content-length': Buffer.byteLength(answer) });
          res.end(answer);
        }
      });
    });
    server = http;
    client = new PlainHttpClient(await listen(http));
    for (let i = 0; i < 3; i++) {
      const plain = await client.postJson('/x', JSON.stringify({ text: `你好 ${i}` }));
      expect(plain.status).toBe(200);
      expect(JSON.parse(plain.body)).toEqual({ echo: `你好 ${i}`, path: '/x', type: 'application/json' });
      const chunked = await client.postJson('/y', JSON.stringify({ text: '再见', chunked: true }));
      expect(chunked.status).toBe(201);
      expect(chunked.headers.get('x-kefu-turn')).toBe('7');
      expect(JSON.parse(chunked.body)).toEqual({ echo: '再见', path: '/y', type: 'application/json' });
    }
    expect(peers.size).toBe(1);
  });

  it('reads any body byte for byte, however the answer is split into packets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 1, max: 50 }),
        async (text, cut) => {
          const body = Buffer.from(JSON.stringify({ text }));
          const answer = Buffer.concat([
            Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`),
            body,
          ]);
          const tcp = createTcpServer((socket) => {
            socket.once('data', () => {
              for (let at = 0; at < answer.length; at += cut) socket.write(answer.subarray(at, at + cut));
            });
          });
          const c = new PlainHttpClient(await listen(tcp));
          try {
            const res = await c.postJson('/', '{}');
            expect(res.body).toBe(body.toString('utf8'));
          } finally {
            c.close();
            tcp.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('does not reuse a connection the server closes after its answer', async () => {
    let connections = 0;
    const tcp = createTcpServer((socket) => {
      connections++;
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'));
    });
    server = tcp;
    client = new PlainHttpClient(await listen(tcp));
    for (let i = 0; i < 3; i++) expect((await client.postJson('/', '{}')).body).toBe('ok');
    expect(connections).toBe(3);
  });

  it('rejects on a malformed answer or a connection closed mid-answer, and opens a new one next', async () => {
    let n = 0;
    const tcp = createTcpServer((socket) => {
      socket.on('data', () => {
        n++;
        if (n === 1) socket.end('SMTP ready\r\n\r\n');
        else if (n === 2) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
        else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      });
    });
    server = tcp;
    client = new PlainHttpClient(await listen(tcp));
    await expect(client.postJson('/', '{}')).rejects.toThrow(/not an HTTP\/1.1 status line/);
    await expect(client.postJson('/', '{}')).rejects.toThrow(/closed before the answer/);
    const ok = await client.postJson('/', '{}');
    expect(ok.body).toBe('ok');
  });
});
