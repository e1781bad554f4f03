export function observability(): string {
  return 'observability';
}
