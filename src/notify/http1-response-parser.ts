/**
 * An incremental HTTP/1.x response parser for one response at a time on a kept-alive connection: status
 * line and headers, then a body framed by Content-Length, chunked transfer coding, or the connection's end.
 * Interim 1xx responses are skipped. Bytes after the response (a server must not send any) make the
 * connection unusable, which the caller learns from `reusable`.
 */

/** Head and body together may not exceed these before the response is rejected as malformed. */
export const MAX_HEAD_BYTES = 64 * 1024;

export interface ParsedHead {
  status: number;
  /** [lower-case name, value] in arrival order */
  headers: [string, string][];
}

/** Where the parser is in the response. */
const State = {
  Head: 0,
  FixedBody: 1,
  ChunkSize: 2,
  ChunkData: 3,
  ChunkDataEnd: 4,
  Trailers: 5,
  UntilClose: 6,
  Done: 7,
} as const;

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

export class ResponseParser {
  head: ParsedHead | null = null;
  /** false when the connection cannot carry another request after this response */
  reusable = true;
  private state: number = State.Head;
  private pending: Buffer | null = null;
  private remaining = 0;

  /**
   * @param onBody called with each piece of the body as it arrives
   * @param noBody the request was HEAD: the response has no body whatever its headers say
   */
  constructor(
    private readonly onBody: (chunk: Buffer) => void,
    private readonly noBody = false,
  ) {}

  get done(): boolean {
    return this.state === State.Done;
  }

  /** Feeds bytes; throws on a malformed response. Returns true once the response is complete. */
  push(data: Buffer): boolean {
    const buf = this.pending ? Buffer.concat([this.pending, data]) : data;
    this.pending = null;
    let off = 0;
    while (off < buf.length || this.state === State.Done) {
      switch (this.state) {
        case State.Head: {
          const end = buf.indexOf(CRLF_CRLF, off);
          if (end < 0) {
            if (buf.length - off > MAX_HEAD_BYTES) throw new Error('response head too large');
            this.pending = buf.subarray(off);
            return false;
          }
          const interim = this.parseHead(buf.toString('latin1', off, end));
          off = end + 4;
          if (!interim) this.startBody();
          break;
        }
        case State.FixedBody: {
          const n = Math.min(this.remaining, buf.length - off);
          this.onBody(buf.subarray(off, off + n));
          off += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.Done;
          break;
        }
        case State.ChunkSize: {
          const end = buf.indexOf(CRLF, off);
          if (end < 0) {
            if (buf.length - off > 1024) throw new Error('malformed chunk size');
            this.pending = buf.subarray(off);
            return false;
          }
          const line = buf.toString('latin1', off, end);
          const hex = line.split(';', 1)[0]?.trim() ?? '';
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new Error('malformed chunk size');
          this.remaining = Number.parseInt(hex, 16);
          off = end + 2;
          this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
          break;
        }
        case State.ChunkData: {
          const n = Math.min(this.remaining, buf.length - off);
          this.onBody(buf.subarray(off, off + n));
          off += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd: {
          if (buf.length - off < 2) {
            this.pending = buf.subarray(off);
            return false;
          }
          if (buf[off] !== 13 || buf[off + 1] !== 10) throw new Error('malformed chunk end');
          off += 2;
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          // Trailer lines, up to an empty line; their content is not used.
          const end = buf.indexOf(CRLF, off);
          if (end < 0) {
            if (buf.length - off > MAX_HEAD_BYTES) throw new Error('response trailers too large');
            this.pending = buf.subarray(off);
            return false;
          }
          if (end === off) this.state = State.Done;
          off = end + 2;
          break;
        }
        case State.UntilClose:
          this.onBody(buf.subarray(off));
          off = buf.length;
          break;
        case State.Done:
          if (off < buf.length) this.reusable = false;
          return true;
      }
    }
    return false;
  }

  /** The connection ended: completes a body read until close; anything else is a truncated response. */
  end(): boolean {
    if (this.state === State.UntilClose) {
      this.state = State.Done;
      return true;
    }
    return this.state === State.Done;
  }

  /** Parses a head; returns true for an interim (1xx) response, which is skipped. */
  private parseHead(text: string): boolean {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!m) throw new Error(`malformed status line: ${JSON.stringify((lines[0] ?? '').slice(0, 64))}`);
    const status = Number(m[2]);
    if (status >= 100 && status < 200 && status !== 101) return true;
    const headers: [string, string][] = [];
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error('malformed response header');
      headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    }
    this.head = { status, headers };
    const connection = this.header('connection')?.toLowerCase() ?? '';
    if (m[1] === '0' ? !connection.includes('keep-alive') : connection.includes('close')) this.reusable = false;
    return false;
  }

  private header(name: string): string | undefined {
    let out: string | undefined;
    for (const [k, v] of (this.head as ParsedHead).headers)
      if (k === name) out = out === undefined ? v : `${out}, ${v}`;
    return out;
  }

  private startBody(): void {
    const status = (this.head as ParsedHead).status;
    if (this.noBody || status === 204 || status === 304 || status === 101) {
      this.state = State.Done;
      if (status === 101) this.reusable = false;
      return;
    }
    const te = this.header('transfer-encoding');
    if (te !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(te)) {
        this.state = State.UntilClose;
        this.reusable = false;
        return;
      }
      this.state = State.ChunkSize;
      return;
    }
    const cl = this.header('content-length');
    if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl)) throw new Error('malformed content-length');
      this.remaining = Number(cl);
      this.state = this.remaining === 0 ? State.Done : State.FixedBody;
      return;
    }
    this.state = State.UntilClose;
    this.reusable = false;
  }
}
