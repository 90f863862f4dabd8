/** Pick the preset for a scale: smoke, or default (also used for paper unless given). */
export function byScale<T>(scale: string, presets: { smoke: T; default: T; paper?: T }): T {
  if (scale === "smoke") return presets.smoke;
  if (scale === "paper") return presets.paper ?? presets.default;
  return presets.default;
}
