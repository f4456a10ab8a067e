// The frames between the Node server and a Python worker (python/modelport_worker/protocol.py): 4 bytes
// big-endian header length, 4 bytes big-endian body length, the header as UTF-8 JSON, the body as raw bytes.
// They travel on the worker's file descriptors 3 (to the worker) and 4 (from it), so the script's own prints
// on stdout and stderr never mix with them.

export interface Frame {
  header: Record<string, unknown>;
  body: Buffer;
}

export function encodeFrame(header: object, body: Buffer = Buffer.alloc(0)): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32BE(json.length, 0);
  lengths.writeUInt32BE(body.length, 4);
  return Buffer.concat([lengths, json, body]);
}

/** Collects chunks as they arrive and hands out whole frames. */
export class FrameReader {
  private pending: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): Frame[] {
    this.pending.push(chunk);
    this.size += chunk.length;
    const frames: Frame[] = [];
    let buf = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    let offset = 0;
    while (buf.length - offset >= 8) {
      const headerLength = buf.readUInt32BE(offset);
      const bodyLength = buf.readUInt32BE(offset + 4);
      const end = offset + 8 + headerLength + bodyLength;
      if (buf.length < end) break;
      // The worker writes JSON (allowing NaN in values it echoes, which JSON.parse refuses): headers never hold them.
      const header = JSON.parse(buf.toString('utf8', offset + 8, offset + 8 + headerLength)) as Record<string, unknown>;
      frames.push({ header, body: Buffer.from(buf.subarray(offset + 8 + headerLength, end)) });
      offset = end;
    }
    buf = buf.subarray(offset);
    this.pending = buf.length > 0 ? [buf] : [];
    this.size = buf.length;
    return frames;
  }
}
