/** Learning-rate schedules: rates of every learning-rate input as a function of epoch and step. */

/** Where training is when a rate is asked for: global step and epoch (both from 0). */
export interface ScheduleTime {
  readonly step: number;
  readonly epoch: number;
}

/** Rates of every learning-rate input of a training step (`lr`, or per-group names). */
export type Rates = Readonly<Record<string, number>>;

/** A learning-rate schedule: pure, so a resumed run sees the same rates. */
export type LrSchedule = (at: ScheduleTime) => Rates;

/** The same rates at every step. */
export function constantLr(rates: Rates): LrSchedule {
  const frozen = { ...rates };
  return () => frozen;
}

/** Options of {@link cosineAnnealingLr}, as torch.optim.lr_scheduler.CosineAnnealingLR. */
export interface CosineOptions {
  /** Half period in epochs (`T_max`). */
  readonly tMax: number;
  /** Floor (`eta_min`, default 0). */
  readonly etaMin?: number;
}

/**
 * PyTorch's CosineAnnealingLR stepped once per epoch, reproduced with its recursive update so
 * the float64 values match `scheduler.get_last_lr()` epoch by epoch:
 * lr_0 = base; at (e − 1 − T) mod 2T = 0: lr_e = lr_{e−1} + (base − η_min)(1 − cos(π/T))/2;
 * else lr_e = (1 + cos(πe/T)) / (1 + cos(π(e−1)/T)) · (lr_{e−1} − η_min) + η_min.
 * (Closed form: η_min + (base − η_min)(1 + cos(πe/T))/2.)
 */
export function cosineAnnealingLr(base: Rates, opts: CosineOptions): LrSchedule {
  const { tMax } = opts;
  const etaMin = opts.etaMin ?? 0;
  if (!(Number.isInteger(tMax) && tMax > 0)) {
    throw new RangeError(`Expected a positive integer T_max but found ${tMax}`);
  }
  const names = Object.keys(base).sort();
  const history: Rates[] = [{ ...base }];
  const at = (epoch: number): Rates => {
    if (!(Number.isInteger(epoch) && epoch >= 0)) {
      throw new RangeError(`Expected a nonnegative integer epoch but found ${epoch}`);
    }
    while (history.length <= epoch) {
      const e = history.length;
      const prev = history[e - 1];
      const next: Record<string, number> = {};
      for (const n of names) {
        next[n] = (e - 1 - tMax) % (2 * tMax) === 0
          ? prev[n] + (base[n] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2
          : (1 + Math.cos(Math.PI * e / tMax)) / (1 + Math.cos(Math.PI * (e - 1) / tMax)) *
              (prev[n] - etaMin) + etaMin;
      }
      history.push(next);
    }
    return history[epoch];
  };
  return ({ epoch }) => at(epoch);
}
