import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** Writes a file and fsyncs it, so a later rename publishes complete contents even after a crash. */
export function writeFileDurable(path: string, data: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsyncs a directory so entries created or renamed in it survive a crash (best effort). */
export function fsyncDir(path: string): void {
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // some filesystems do not allow fsync on directories
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
