import { close, open, read } from 'node:fs';

/**
 * Reads a whole (usually tiny) /proc or /sys file as UTF-8 text with three libuv requests:
 * open, read(s), close. fs.promises.readFile costs about twice the CPU per file here, which
 * adds up over the ~150 files a host collect reads. procfs files report size 0, so we read
 * until EOF instead of trusting fstat.
 */
const CHUNK = 16 * 1024;
const pool: Buffer[] = [];

function take(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafe(CHUNK);
}

function give(b: Buffer): void {
  if (pool.length < 64 && b.length === CHUNK) pool.push(b);
}

export function readText(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (err, fd) => {
      if (err) {
        reject(err);
        return;
      }
      let buf = take();
      let len = 0;
      const finish = (e: NodeJS.ErrnoException | null) => {
        const text = e ? '' : buf.toString('utf8', 0, len);
        give(buf);
        close(fd, () => (e ? reject(e) : resolve(text)));
      };
      const next = () => {
        if (len === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, len);
          give(buf);
          buf = bigger;
        }
        // position -1 reads from the current offset, which procfs needs for multi-read files.
        read(fd, buf, len, buf.length - len, -1, (e, n) => {
          if (e) finish(e);
          else if (n === 0) finish(null);
          else {
            len += n;
            next();
          }
        });
      };
      next();
    });
  });
}
