import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root (tools/stack is two levels down). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Runtime state of the local stack: pid files, data folders, logs. Git-ignored. */
export const STACK_DIR = process.env.CARDLINK_STACK_DIR ?? join(REPO_ROOT, '.stack');

/**
 * Downloads (Maven repository, Kafka jars) live outside the clone so that a
 * fresh clone on the same machine does not fetch them again.
 */
export const CACHE_DIR = process.env.CARDLINK_CACHE_DIR ?? join(homedir(), '.cache', 'cardlink');
