/**
 * True for Istio's string-match syntax: exact, `*`, a prefix match `abc*` or a suffix match `*abc`
 * (one `*`, at one end).
 * @internal
 */
export function isIstioStringMatch(value: string): boolean {
  if (value === '*') {
    return true;
  }
  const stars = value.split('*').length - 1;
  if (stars === 0) {
    return true;
  }
  return stars === 1 && (value.startsWith('*') || value.endsWith('*'));
}
