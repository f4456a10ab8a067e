// A minimal Chrome DevTools Protocol client over the inspector's WebSocket (no `ws` package here): enough to
// enable the debugger, set a breakpoint, wait for a pause and resume. Text frames only, as the inspector sends.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';

type Message = { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string } };

export class InspectorClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private readonly listeners: Array<(m: Message) => void> = [];
  readonly events: Message[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static async connect(port: number): Promise<InspectorClient> {
    const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
    const target = new URL(list[0]!.webSocketDebuggerUrl.replace('0.0.0.0', '127.0.0.1'));
    const socket = await new Promise<Socket>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        path: target.pathname,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64') },
      });
      req.once('upgrade', (_res, s) => resolve(s));
      req.once('response', (res) => reject(new Error(`no websocket upgrade: ${res.statusCode}`)));
      req.once('error', reject);
      req.end();
    });
    return new InspectorClient(socket);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      let len = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + len) return;
      const opcode = this.buffer[0]! & 0x0f;
      const payload = this.buffer.subarray(offset, offset + len).toString('utf8');
      this.buffer = this.buffer.subarray(offset + len);
      if (opcode !== 1) continue;
      const msg = JSON.parse(payload) as Message;
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg.result ?? {});
      } else {
        this.events.push(msg);
        for (const l of this.listeners) l(msg);
      }
    }
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const data = Buffer.from(JSON.stringify({ id, method, params }));
    const mask = randomBytes(4);
    const header = data.length < 126 ? Buffer.from([0x81, 0x80 | data.length]) : Buffer.from([0x81, 0x80 | 126, data.length >> 8, data.length & 0xff]);
    const masked = Buffer.from(data.map((b, i) => b ^ mask[i % 4]!));
    this.socket.write(Buffer.concat([header, mask, masked]));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** The first event (already received, or to come) named `method` that passes `match`. */
  waitFor(method: string, match: (params: Record<string, unknown>) => boolean = () => true, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const seen = this.events.find((e) => e.method === method && match(e.params ?? {}));
    if (seen) return Promise.resolve(seen.params ?? {});
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.listeners.push((m) => {
        if (m.method === method && match(m.params ?? {})) {
          clearTimeout(timer);
          resolve(m.params ?? {});
        }
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface PausedAt {
  url: string;
  /** 0: paused on the marker's line. */
  linesFromMarker: number;
  functionName: string;
}

/**
 * Breaks on the line of the entry script that contains `marker` (found in the code V8 runs: esbuild's output
 * for TypeScript), fires `trigger`, and returns where the pause happened; then resumes.
 */
export async function breakOnMarker(port: number, scriptPattern: RegExp, marker: string, trigger: () => Promise<number>): Promise<{ paused: PausedAt; status: number; sourceMapUrl: string }> {
  const client = await InspectorClient.connect(port);
  try {
    await client.send('Debugger.enable');
    const script = await client.waitFor('Debugger.scriptParsed', (p) => scriptPattern.test(String(p.url)));
    const scriptId = String(script.scriptId);
    const source = String((await client.send('Debugger.getScriptSource', { scriptId })).scriptSource);
    const lineNumber = source.split('\n').findIndex((l) => l.includes(marker));
    if (lineNumber < 0) throw new Error(`marker ${marker} not in ${String(script.url)}`);
    await client.send('Debugger.setBreakpoint', { location: { scriptId, lineNumber } });
    const pausedEvent = client.waitFor('Debugger.paused');
    const request = trigger();
    const paused = await pausedEvent;
    const frame = (paused.callFrames as Array<{ url: string; functionName: string; location: { scriptId: string; lineNumber: number } }>)[0]!;
    await client.send('Debugger.resume');
    const status = await request;
    return { paused: { url: frame.url || String(script.url), linesFromMarker: frame.location.lineNumber - lineNumber, functionName: frame.functionName }, status, sourceMapUrl: String(script.sourceMapURL ?? '') };
  } finally {
    client.close();
  }
}
