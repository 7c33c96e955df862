// The journal's file system on Node (production, the crash test and the benchmark).
import { promises as fsp } from 'node:fs';
import type { JournalFileHandle, JournalFs } from './journal';

export function nodeJournalFs(): JournalFs {
  return {
    async open(path, flags): Promise<JournalFileHandle> {
      const fh = await fsp.open(path, flags, 0o600);
      return {
        async write(data) {
          let offset = 0;
          while (offset < data.byteLength) {
            const { bytesWritten } = await fh.write(data, offset, data.byteLength - offset);
            if (bytesWritten <= 0) throw new Error('the file system accepted no bytes');
            offset += bytesWritten;
          }
        },
        datasync: () => fh.datasync(),
        close: () => fh.close(),
      };
    },
    async mkdir(path) {
      await fsp.mkdir(path, { recursive: true });
    },
    async createDir(path) {
      try {
        await fsp.mkdir(path);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw err;
      }
    },
    readdir: (path) => fsp.readdir(path),
    async isDirectory(path) {
      return (await fsp.stat(path)).isDirectory();
    },
    readFile: (path) => fsp.readFile(path),
    async stat(path) {
      const st = await fsp.stat(path);
      return { size: st.size, mtimeMs: st.mtimeMs };
    },
    async readFrom(path, start) {
      const fh = await fsp.open(path, 'r');
      try {
        const { size } = await fh.stat();
        const length = Math.max(0, size - start);
        const buf = Buffer.alloc(length);
        let read = 0;
        while (read < length) {
          const { bytesRead } = await fh.read(buf, read, length - read, start + read);
          if (bytesRead === 0) break;
          read += bytesRead;
        }
        return buf.subarray(0, read);
      } finally {
        await fh.close();
      }
    },
    rename: (from, to) => fsp.rename(from, to),
    async syncDir(path) {
      // Windows cannot open a folder for fsync; there the rename itself is the best we get.
      if (process.platform === 'win32') return;
      const fh = await fsp.open(path, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    },
  };
}
