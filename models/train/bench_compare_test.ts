import assert from "node:assert/strict";
import { compareRuns, describeMachine, parseSavedRun, type SavedRun } from "./_bench_compare.ts";
import { parseMachine } from "./_bench_timing.ts";

const row = (model: string, batch: number, ort: number, graph: number, torch: number | null) => ({
  model,
  batch,
  ortSeconds: { best: ort, median: ort * 1.1 },
  graphSeconds: { best: graph, median: graph * 1.1 },
  torchSeconds: torch === null ? null : { best: torch, median: torch * 1.1 },
  ortOverTorch: torch === null ? null : torch / ort,
  graphOverTorchPaired: torch === null ? null : torch / graph,
});

const run = (date: string, rows: ReturnType<typeof row>[]): SavedRun => ({
  date,
  ep: "cpu",
  threads: 2,
  gemm: { bestGflops: 184 },
  rows,
  machine: null,
  commit: null,
});

Deno.test("compareRuns() puts matching rows side by side, best times then → now", () => {
  const then = run("2026-11-30T07:39:00Z", [
    row("cifar_resnet18", 128, 2.947, 2.864, 2.923),
    row("mnist_fcn", 512, 0.0169, 0.0136, null),
    row("gone", 1, 1, 1, null),
  ]);
  const now = run("2026-11-30T09:38:00Z", [
    row("cifar_resnet18", 128, 2.735, 2.717, 3.065),
    row("mnist_fcn", 512, 0.0139, 0.0138, null),
    row("new", 1, 1, 1, null),
  ]);
  const lines = compareRuns(then, now);
  assert.match(lines[0], /^Against 2026-11-30T07:39:00Z \(cpu, 2 threads, GEMM 184 GFLOP\/s/);
  assert.equal(lines[1], "Machine: not recorded now; the earlier run does not record its machine");
  assert.equal(
    lines[4],
    "| cifar_resnet18 | 128 | 2947 → 2735 (0.93×) | 2864 → 2717 (0.95×) | 2923 → 3065 (1.05×) | " +
      "0.99× (1.02×) → 1.12× (1.13×) |",
  );
  assert.equal(
    lines[5],
    "| mnist_fcn | 512 | 16.9 → 13.9 (0.82×) | 13.6 → 13.8 (1.01×) | - | - → - |",
  );
  assert.deepEqual(lines.slice(6), ["Only in this run: new@1", "Only in the earlier run: gone@1"]);
});

Deno.test("parseSavedRun() reads what bench:train writes and names the file and field it lacks", () => {
  const saved = {
    ...run("d", [row("m", 1, 1, 1, 2)]),
    torch: "x",
    rows: [{ ...row("m", 1, 1, 1, 2), extra: 1 }],
  };
  const r = parseSavedRun(JSON.stringify(saved), "a.json");
  assert.equal(r.rows[0].ortOverTorch, 2);
  assert.throws(() => parseSavedRun("{", "a.json"), /Expected JSON in "a.json"/);
  assert.throws(
    () => parseSavedRun("[]", "a.json"),
    /Expected "\(top level\)" in "a.json" to be an object/,
  );
  const noGraph = { ...saved, rows: [{ ...saved.rows[0], graphSeconds: undefined }] };
  assert.throws(
    () => parseSavedRun(JSON.stringify(noGraph), "b.json"),
    /Expected "rows\[0\].graphSeconds" in "b.json" to be an object/,
  );
  const badBest = { ...saved, rows: [{ ...saved.rows[0], ortSeconds: { best: "1", median: 1 } }] };
  assert.throws(
    () => parseSavedRun(JSON.stringify(badBest), "c.json"),
    /Expected "rows\[0\].ortSeconds.best" in "c.json" to be a number/,
  );
  assert.throws(
    () => parseSavedRun(JSON.stringify({ ...saved, gemm: {} }), "d.json"),
    /Expected "gemm.bestGflops" in "d.json" to be a number/,
  );
});

Deno.test("parseSavedRun() reads a run with every field bench:train writes", () => {
  // a run as bench_train.ts writes it (two rows of the 2026-11-30 09:38 run, fields as written)
  const text = JSON.stringify({
    ep: "cpu",
    threads: 2,
    steps: 15,
    gemm: { n: 2048, timed: "MatMul", bestGflops: 184.3, medianGflops: 166.1 },
    torch: "python3-torch (Debian, generic BLAS)",
    torchDevice: "cpu",
    tfjs: "skipped: no FCN selected",
    rows: [{
      ...row("cifar_resnet18", 128, 2.7352, 2.7167, 3.0651),
      steps: 5,
      warmup: 1,
      flops: 427e9,
      cpu: {
        train: { stolen: 0.0008, others: 0.001 },
        interleaved: { stolen: 0.004, others: 0.002 },
      },
      tfjsSeconds: null,
    }],
    machine: {
      cpu: "AMD EPYC",
      familyModel: "26/2",
      cores: 2,
      simd: "avx avx2 fma avx512f avx512bw avx512_vnni",
      memoryGiB: 23.5,
    },
    commit: "af266f5",
    date: "2026-11-30T09:37:40.718Z",
  });
  const r = parseSavedRun(text, "train.json");
  assert.deepEqual([r.machine?.familyModel, r.commit], ["26/2", "af266f5"]);
  assert.deepEqual(
    compareRuns(r, r).find((l) => l.startsWith("| cifar_resnet18 ")),
    "| cifar_resnet18 | 128 | 2735 → 2735 (1.00×) | 2717 → 2717 (1.00×) | 3065 → 3065 (1.00×) | 1.12× (1.13×) → 1.12× (1.13×) |",
  );
});

// /proc/cpuinfo and /proc/meminfo as this project's 2-core virtual machines show them (shortened)
const CPUINFO = (family: number) =>
  `processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: ${family}\nmodel\t\t: 2\n` +
  `model name\t: AMD EPYC\nflags\t\t: fpu sse2 avx fma avx2 avx512f avx512bw avx512_vnni sha_ni\n\n` +
  `processor\t: 1\nvendor_id\t: AuthenticAMD\ncpu family\t: ${family}\nmodel\t\t: 2\n`;
const MEMINFO = "MemTotal:       24606276 kB\nMemFree:        1000 kB\n";

Deno.test("parseMachine() reads the CPU model, family/model, extensions and memory", () => {
  const m = parseMachine(CPUINFO(26), MEMINFO, 2);
  assert.deepEqual(m, {
    cpu: "AMD EPYC",
    familyModel: "26/2",
    cores: 2,
    simd: "avx avx2 fma avx512f avx512bw avx512_vnni",
    memoryGiB: 23.5,
  });
  assert.equal(
    describeMachine(m),
    "AMD EPYC (family/model 26/2), 2 cores, avx avx2 fma avx512f avx512bw avx512_vnni, 23.5 GiB",
  );
  // elsewhere than Linux nothing can be read
  const none = parseMachine("", "", 1);
  assert.deepEqual(none, { cpu: null, familyModel: null, cores: 1, simd: "", memoryGiB: null });
  assert.equal(describeMachine(none), "CPU model unknown, 1 core, no SIMD flags read");
});

Deno.test("compareRuns() says whether both runs ran on one kind of machine, and their commits", () => {
  const at = (family: number, commit: string | null): SavedRun => ({
    ...run("2026-12-01T05:00:00Z", [row("m", 1, 1, 1, null)]),
    machine: parseMachine(CPUINFO(family), MEMINFO, 2),
    commit,
  });
  const same = compareRuns(at(26, "bae3f12"), at(26, "1234567+changes"));
  assert.equal(
    same[1],
    "Machine, then and now: AMD EPYC (family/model 26/2), 2 cores, " +
      "avx avx2 fma avx512f avx512bw avx512_vnni, 23.5 GiB",
  );
  assert.equal(same[2], "Commit then bae3f12, now 1234567+changes");
  // the same model name on another CPU generation is another machine
  const other = compareRuns(at(25, null), at(26, "bae3f12"));
  assert.match(
    other[1],
    /^Different machines, so the ratios compare machines as well as code: then AMD EPYC \(family\/model 25\/2\).*; now AMD EPYC \(family\/model 26\/2\)/,
  );
  assert.match(other[2], /^\| model \|/); // no commit line: the earlier run has none
  // a run as bench:train writes it now reads back with its machine and commit
  const back = parseSavedRun(JSON.stringify(at(26, "bae3f12")), "now.json");
  assert.deepEqual([back.machine, back.commit], [at(26, "").machine, "bae3f12"]);
  assert.throws(
    () => parseSavedRun(JSON.stringify({ ...at(26, null), machine: { cores: 2 } }), "m.json"),
    /Expected "machine.simd" in "m.json" to be a string/,
  );
});
