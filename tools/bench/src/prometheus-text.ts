/** The value of every sample of one metric in a Prometheus text exposition (NaN samples skipped). */
export function samplesOf(exposition: string, name: string): number[] {
  const values: number[] = [];
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(rest.includes('}') ? '}' : ' ') + 1).trim().split(' ')[0]);
    if (Number.isFinite(value)) values.push(value);
  }
  return values;
}

export function sumOf(exposition: string, name: string): number {
  return samplesOf(exposition, name).reduce((a, b) => a + b, 0);
}

export function maxOf(exposition: string, name: string): number {
  return samplesOf(exposition, name).reduce((a, b) => Math.max(a, b), 0);
}
