// A training stage interrupted by SIGKILL after its first epoch checkpoint resumes from it and
// ends with the same result, byte for byte, as an uninterrupted run (CPU EP, smoke data).
import assert from "node:assert/strict";
import { join } from "node:path";
import { engineCommand, runEngine } from "./testdata/engine.ts";

const STAGE = "cifarfcn-sigma1-lr0.03-seed0";
const ARGS = ["--scale", "smoke", "--only", STAGE, "--set", `${STAGE}.epochs=5`];

const engine = (out: string) => engineCommand([...ARGS, "--out", out]);

async function runJson(out: string): Promise<string> {
  const plan = await runEngine([...ARGS, "--out", out, "--dry-run", "--json"]);
  const key = JSON.parse(plan.stdout).stages.find((s: { id: string }) => s.id === STAGE).key;
  return await Deno.readTextFile(join(out, "cache", key, "files", "run.json"));
}

Deno.test("a training stage killed after a checkpoint resumes to the uninterrupted result", async () => {
  const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  try {
    const whole = await engine(a).output();
    assert.equal(whole.code, 0, new TextDecoder().decode(whole.stderr));
    const child = engine(b).spawn();
    const until = Date.now() + 120_000;
    let checkpointed = false;
    while (!checkpointed && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      const dirs = await Array.fromAsync(Deno.readDir(join(b, "work"))).catch(() => []);
      for (const e of dirs) {
        checkpointed ||= (await Deno.stat(join(b, "work", e.name, "checkpoint.bin")).catch(() =>
          null
        )) !== null;
      }
    }
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel();
    await child.stderr.cancel();
    assert.ok(checkpointed, "the stage wrote an epoch checkpoint before it was killed");
    const resumed = await engine(b).output();
    assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
    const log = await Deno.readTextFile(join(b, "logs", `${STAGE}.log`));
    assert.doesNotMatch(log, /"epoch":1,/, "the resumed attempt did not redo epoch 1");
    assert.equal(await runJson(b), await runJson(a));
  } finally {
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
});
