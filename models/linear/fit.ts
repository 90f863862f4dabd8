/** Ordinary least squares for straight lines and log-log slopes. */

/** Result of a straight-line fit y ≈ intercept + slope·x. */
export interface LineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination (1 for a perfect fit; 1 also when y is constant). */
  r2: number;
  n: number;
}

/** Least-squares line through the points (x_i, y_i), centred for numerical stability. */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const n = x.length;
  if (n !== y.length || n < 2) {
    throw new RangeError(`Expected at least 2 paired points but found ${n} and ${y.length}`);
  }
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  if (!(sxx > 0)) throw new RangeError("Expected at least two distinct x values but found one");
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  return { slope, intercept, r2, n };
}

/** Fits log y = intercept + slope·log x (natural logs); all values must be positive. */
export function fitLogLog(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const lx: number[] = [], ly: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] > 0) || !(y[i] > 0)) {
      throw new RangeError(
        `Expected positive values for a log-log fit but found (${x[i]}, ${y[i]})`,
      );
    }
    lx.push(Math.log(x[i]));
    ly.push(Math.log(y[i]));
  }
  return fitLine(lx, ly);
}
