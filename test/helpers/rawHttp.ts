// HTTP/1.1 over raw sockets, for tests that must send what no well-behaved client would (ambiguous framing,
// half-sent bodies) and read exactly what comes back, response by response.
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses as many whole responses as `data` holds (`headOnly`: answers to HEAD, which have no body). */
export function parseResponses(data: Buffer, headOnly = false): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) return out;
    const head = data.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    let bodyStart = end + 4;
    let body: Buffer;
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf('\r\n', bodyStart);
        if (lineEnd < 0) return out;
        const size = parseInt(data.subarray(bodyStart, lineEnd).toString('latin1'), 16);
        if (data.length < lineEnd + 2 + size + 2) return out;
        parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        bodyStart = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      const length = headOnly ? 0 : Number(headers['content-length'] ?? 0);
      if (data.length < bodyStart + length) return out;
      body = data.subarray(bodyStart, bodyStart + length);
      bodyStart += length;
    }
    out.push({ status, headers, body: body.toString('utf8') });
    at = bodyStart;
  }
}

/**
 * Writes `raw` on a new connection and collects what comes back until the server closes it, `expect` responses
 * have arrived, or `idleMs` pass without a byte.
 */
export function rawExchange(port: number, raw: string | Buffer, options: { expect?: number; idleMs?: number; head?: boolean } = {}): Promise<{ responses: RawResponse[]; closed: boolean }> {
  const idleMs = options.idleMs ?? 1500;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let closed = false;
    const socket = net.connect(port, '127.0.0.1', () => socket.write(raw));
    let timer = setTimeout(() => done(), idleMs);
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ responses: parseResponses(Buffer.concat(chunks), options.head), closed });
    };
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      clearTimeout(timer);
      if (options.expect !== undefined && parseResponses(Buffer.concat(chunks), options.head).length >= options.expect) done();
      else timer = setTimeout(() => done(), idleMs);
    });
    socket.on('close', () => {
      closed = true;
      done();
    });
    socket.on('error', () => undefined);
  });
}
