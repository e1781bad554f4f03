/**
 * One dependency the service needs before it can take traffic (Postgres, Kafka, ...).
 * `check` resolves when the dependency answers and throws when it does not.
 */
export interface ReadinessCheck {
  /** Key of the check in the health response, e.g. 'postgres'. */
  name: string;
  check(): Promise<void>;
  /** How long the check may take before it counts as down; default 2000 ms. */
  timeoutMs?: number;
}

export const DEFAULT_READINESS_TIMEOUT_MS = 2000;

/**
 * Runs a check, failing it after its timeout: a dependency that hangs must make
 * the service unready instead of hanging the probe until the kubelet gives up.
 */
export async function runReadinessCheck(
  readiness: ReadinessCheck,
): Promise<void> {
  const timeoutMs = readiness.timeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([readiness.check(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export function assertUniqueCheckNames(
  checks: readonly ReadinessCheck[],
): void {
  const seen = new Set<string>();
  for (const { name } of checks) {
    if (seen.has(name)) {
      // Results are keyed by name, so a duplicate would silently hide one of them.
      throw new Error(`Duplicate readiness check name '${name}'`);
    }
    seen.add(name);
  }
}
