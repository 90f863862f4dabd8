/** The four files a figure consists of, as paths inside a stage's output (and under out/). */
export function figureFiles(...names: string[]): string[] {
  return names.flatMap((n) => ["vl.json", "svg", "png", "csv"].map((e) => `figures/${n}.${e}`));
}
