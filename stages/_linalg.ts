/** Small dense linear algebra for stage code. */

/** Largest eigenvalue of a symmetric PSD n×n matrix (row-major) by power iteration. */
export function topEigenvalue(m: ArrayLike<number>, n: number, iterations = 300): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let lambda = 0;
  for (let it = 0; it < iterations; it++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += m[i * n + j] * v[j];
      w[i] = s;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += w[i] * w[i];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    lambda = norm;
    v = w.map((x) => x / norm);
  }
  return lambda;
}
