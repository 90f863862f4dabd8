// Imported by the "double" stage only: editing it must rerun "double" and what depends on it.
export function scale(values: number[], factor: number): number[] {
  return values.map((v) => v * factor);
}
