import { connect, type Socket } from 'node:net';

/** One answer: status, the headers (names lower-cased) and the body as text. */
export interface PlainResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

interface Pending {
  resolve: (res: PlainResponse) => void;
  reject: (err: Error) => void;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** Longest head or chunk-size line accepted: a server sending more is broken, not slow. */
const MAX_HEAD = 64 * 1024;

/**
 * An HTTP/1.1 keep-alive connection that sends one request at a time and reads its answer:
 * `Content-Length` or chunked bodies, `Connection: close` honoured. What a load generator needs
 * and nothing more: on the bench's two shared cores, undici spent 100-130 us of CPU a request,
 * taken from the server under test; this spends a fraction of that.
 */
class Connection {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private closed = false;
  /** The server said `Connection: close`: no new request goes on it, and it closes once the server has. */
  private ending = false;

  constructor(host: string, port: number, onClose: (c: Connection) => void) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    const close = (err?: Error) => {
      if (this.closed) return;
      this.closed = true;
      this.socket.destroy();
      onClose(this);
      const p = this.pending;
      this.pending = undefined;
      p?.reject(err ?? new Error('connection closed before the answer'));
    };
    this.socket.on('error', close);
    this.socket.on('close', () => close());
  }

  get usable(): boolean {
    return !this.closed && !this.ending;
  }

  send(request: string): Promise<PlainResponse> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(message: string): void {
    this.socket.destroy(new Error(message));
  }

  /** Take one whole answer off the buffer when it has arrived. */
  private parse(): void {
    const headEnd = this.buffer.indexOf(HEAD_END);
    if (headEnd < 0) {
      if (this.buffer.length > MAX_HEAD) this.fail('response head too long');
      return;
    }
    const lines = this.buffer.toString('latin1', 0, headEnd).split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!status) return this.fail(`not an HTTP/1.1 status line: ${JSON.stringify(lines[0]?.slice(0, 40))}`);
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const bodyStart = headEnd + HEAD_END.length;
    let body: Buffer;
    let end: number;
    if (headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) {
      let chunked: { body: Buffer; end: number } | undefined;
      try {
        chunked = this.chunks(bodyStart);
      } catch (err) {
        return this.fail((err as Error).message);
      }
      if (!chunked) return;
      ({ body, end } = chunked);
    } else {
      const length = Number(headers.get('content-length') ?? 0);
      if (!Number.isSafeInteger(length) || length < 0) return this.fail('bad content-length');
      if (this.buffer.length < bodyStart + length) return;
      body = this.buffer.subarray(bodyStart, bodyStart + length);
      end = bodyStart + length;
    }
    const rest = this.buffer.subarray(end);
    this.buffer = rest.length > 0 ? Buffer.from(rest) : Buffer.alloc(0);
    const p = this.pending;
    this.pending = undefined;
    if (headers.get('connection')?.toLowerCase() === 'close') this.closeAfter();
    if (!p) return this.fail('an answer nobody asked for');
    p.resolve({ status: Number(status[1]), headers, body: body.toString('utf8') });
  }

  /** A chunked body starting at `from`: undefined until all of it is in; throws when malformed. */
  private chunks(from: number): { body: Buffer; end: number } | undefined {
    const parts: Buffer[] = [];
    let at = from;
    for (;;) {
      const lineEnd = this.buffer.indexOf(CRLF, at);
      if (lineEnd < 0) {
        if (this.buffer.length - at > MAX_HEAD) throw new Error('chunk size line too long');
        return undefined;
      }
      const size = parseInt(this.buffer.toString('latin1', at, lineEnd).split(';')[0]!, 16);
      if (!Number.isSafeInteger(size) || size < 0) throw new Error('bad chunk size');
      const dataStart = lineEnd + CRLF.length;
      if (size === 0) {
        // No trailers from the servers under test: the last chunk is followed by an empty line.
        if (this.buffer.length < dataStart + CRLF.length) return undefined;
        return { body: Buffer.concat(parts), end: dataStart + CRLF.length };
      }
      if (this.buffer.length < dataStart + size + CRLF.length) return undefined;
      parts.push(this.buffer.subarray(dataStart, dataStart + size));
      at = dataStart + size + CRLF.length;
    }
  }

  private closeAfter(): void {
    // Not `closed`: the socket's close still runs the close handler, which leaves the pool.
    this.ending = true;
    this.socket.end();
  }
}

/** A pool of keep-alive connections to one origin, one request in flight on each. */
export class PlainHttpClient {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;

  constructor(baseUrl: string) {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:') throw new Error(`only http: is supported, not ${url.protocol}`);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.hostHeader = url.host;
  }

  /** POST a JSON body; rejects on a broken connection, resolves on any HTTP status. */
  async postJson(path: string, json: string): Promise<PlainResponse> {
    let conn = this.idle.pop();
    while (conn && !conn.usable) conn = this.idle.pop();
    conn ??= this.open();
    const res = await conn.send(
      `POST ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
    );
    if (conn.usable) this.idle.push(conn);
    return res;
  }

  close(): void {
    for (const c of this.all) c.close();
    this.all.clear();
    this.idle.length = 0;
  }

  private open(): Connection {
    const conn = new Connection(this.host, this.port, (c) => this.all.delete(c));
    this.all.add(conn);
    return conn;
  }
}
