/** The four files a figure consists of, as paths inside a stage's output (and under out/). */
export function figureFiles(...names: string[]): string[] {
  return names.flatMap((n) => ["vl.json", "svg", "png", "csv"].map((e) => `figures/${n}.${e}`));
}

/** Pick the preset for a scale: smoke, or default (also used for paper unless given). */
export function byScale<T>(scale: string, presets: { smoke: T; default: T; paper?: T }): T {
  if (scale === "smoke") return presets.smoke;
  if (scale === "paper") return presets.paper ?? presets.default;
  return presets.default;
}
