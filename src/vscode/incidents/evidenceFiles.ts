// Run output files beside an incident's journal (`<incident folder>/outputs/….txt`): written
// durably before the event that names them, read back for pinning a line range. Only names of
// the form `outputs/<safe name>.txt` are ever joined to the folder.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isOutputFileRef, sha256Text } from '../../incidents/evidence';

/** Writes the output (already masked) and flushes it; resolves to the checksum of what was written. */
export async function writeOutputFile(incidentDir: string, file: string, text: string): Promise<string> {
  if (!isOutputFileRef(file)) throw new Error(`not an output file name: ${file}`);
  const target = path.join(incidentDir, file);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const handle = await fs.open(target, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
  return sha256Text(text);
}

/** The output file's text, or undefined when it is missing or unreadable. */
export async function readOutputFile(incidentDir: string, file: string): Promise<string | undefined> {
  if (!isOutputFileRef(file)) return undefined;
  return fs.readFile(path.join(incidentDir, file), 'utf8').catch(() => undefined);
}
