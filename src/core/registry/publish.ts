// Publishing a staged version: the version number is allocated by the rename itself.
//
// Why no lock file: rename(2) of a folder onto an existing non-empty folder fails (EEXIST/ENOTEMPTY), and
// the kernel serialises two renames onto the same target, so exactly one process wins each number and the
// loser simply tries the next. A lock file would add a stale-lock problem (a killed holder) that this
// scheme does not have, and it would still need the rename for crash safety. Published version folders
// are never empty (they hold model.meta.json), so the "rename onto an empty folder succeeds" rule of POSIX
// cannot replace a real version.
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, fsyncDir } from '../fs/atomicWrite';
import { BadRequestError, ConflictError } from '../errors';
import { META_FILE, modelMetaSchema } from './modelMeta';
import type { ModelMeta } from './modelMeta';

const VERSION_DIR = /^[1-9][0-9]*$/;
const MAX_ATTEMPTS = 1000;

/** Version numbers present under a model's folder, ascending; [] when the model has none. */
export async function listVersionNumbers(nameDir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(nameDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => VERSION_DIR.test(n)).map(Number).sort((a, b) => a - b);
}

/**
 * Writes the meta (with the version filled in) into `stagingDir` and renames it to the next free
 * `<nameDir>/<version>`. Returns the published meta and its folder.
 */
export async function publishVersion(stagingDir: string, nameDir: string, meta: Omit<ModelMeta, 'version'>): Promise<{ meta: ModelMeta; dir: string }> {
  await mkdir(nameDir, { recursive: true });
  const existing = await listVersionNumbers(nameDir);
  let version = (existing.at(-1) ?? 0) + 1;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const full: ModelMeta = { ...meta, version };
    // Never write a record that readers would then call corrupt (say, a number among the tags from a JS caller).
    const checked = modelMetaSchema.safeParse(full);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new BadRequestError(`Cannot register ${meta.name}: /${issue?.path.join('/') ?? ''} ${issue?.message ?? 'is invalid'}.`);
    }
    await writeFileAtomic(join(stagingDir, META_FILE), `${JSON.stringify(full, null, 2)}\n`);
    const target = join(nameDir, String(version));
    try {
      await rename(stagingDir, target);
      await fsyncDir(nameDir);
      return { meta: full, dir: target };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY' || (code === 'EPERM' && (await exists(target)))) {
        version++;
      } else if (code === 'ENOENT' && (await exists(stagingDir))) {
        // A concurrent delete removed the (then empty) model folder between our mkdir and rename.
        await mkdir(nameDir, { recursive: true });
      } else {
        throw err;
      }
    }
  }
  throw new ConflictError(`Could not allocate a version under ${nameDir} after ${MAX_ATTEMPTS} attempts; other registrations keep taking them. Try again.`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
