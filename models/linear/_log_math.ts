/** Log-space helpers private to models/linear. */

/** log(e^x + e^y) without overflow; −∞ is the neutral element. */
export function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const m = Math.max(x, y);
  if (m === Infinity) return Infinity;
  return m + Math.log1p(Math.exp(-Math.abs(x - y)));
}

/** log(c·X) from log c and log X, treating c = 0 as an exact zero even when X is infinite. */
export function logMul(logC: number, logX: number): number {
  if (logC === -Infinity) return -Infinity;
  return logC + logX;
}

/** log(x) for x ≥ 0, with log(0) = −∞. */
export function safeLog(x: number): number {
  return x > 0 ? Math.log(x) : -Infinity;
}
