import assert from "node:assert/strict";
import { settingsDiff, settingsRows, settingsSummary } from "./settings.ts";

const PRESET = {
  "a-seed0": { epochs: 4, lr: 0.1, ep: "cpu" },
  "a-seed1": { epochs: 4, lr: 0.1, ep: "cpu" },
  b: { cases: [{ d: 1 }], kappa: 0.003 },
};
const AS_RAN = Object.entries(PRESET).map(([id, params]) => ({ id, params: { ...params } }));

Deno.test("settingsDiff() finds no change when the preset ran as it is", () => {
  const s = settingsDiff(PRESET, AS_RAN);
  assert.deepEqual(s, { checked: 3, changes: [], extra: [], missing: [], unreadable: [] });
  assert.equal(
    settingsSummary(s, "default"),
    'All 3 stages behind this report ran with the "default" preset\'s params.',
  );
});

Deno.test("settingsDiff() groups an override over the stages it changed, with both values", () => {
  const ran = [
    { id: "a-seed0", params: { epochs: 8, lr: 0.1, ep: "cpu" } },
    { id: "a-seed1", params: { epochs: 8, lr: 0.1, ep: "cpu" } },
    // Key order does not count; a nested value does; a param the preset lacks is "(absent)".
    { id: "b", params: { kappa: 0.003, cases: [{ d: 2 }], extra: true } },
    { id: "c", params: {} },
  ];
  const s = settingsDiff(PRESET, ran, ["ffff", "0000"]);
  assert.deepEqual(s.changes, [
    { param: "epochs", preset: "4", used: "8", stages: ["a-seed0", "a-seed1"] },
    { param: "cases", preset: '[{"d":1}]', used: '[{"d":2}]', stages: ["b"] },
    { param: "extra", preset: "(absent)", used: "true", stages: ["b"] },
  ]);
  assert.deepEqual(s.extra, ["c"]);
  assert.deepEqual(s.unreadable, ["0000", "ffff"]);
  const text = settingsSummary(s, "default");
  assert.match(
    text,
    /^4 of the 4 stages behind this report whose settings could be read ran with params other than the "default" preset's/,
  );
  assert.match(text, /2 upstream cache entries were missing or unreadable, .*: 0000, ffff\.$/);
});

Deno.test("settingsDiff() gives two values of one param as two rows", () => {
  const ran = [
    { id: "a-seed0", params: { epochs: 8, lr: 0.1, ep: "cpu" } },
    { id: "a-seed1", params: { epochs: 2, lr: 0.1, ep: "cpu" } },
  ];
  const s = settingsDiff(PRESET, ran);
  assert.deepEqual(s.changes.map((c) => [c.used, c.stages]), [["8", ["a-seed0"]], ["2", [
    "a-seed1",
  ]]]);
});

Deno.test("settingsSummary() does not say all stages ran as preset when some could not be read", () => {
  const s = settingsDiff(PRESET, AS_RAN.slice(0, 2), ["0123456789abcdef"]);
  assert.deepEqual(s.changes, []);
  assert.equal(
    settingsSummary(s, "default"),
    'All 2 stages behind this report whose settings could be read ran with the "default" ' +
      "preset's params. 1 upstream cache entry was missing or unreadable, so it and anything " +
      "upstream of it could not be checked: 0123456789ab.",
  );
});

Deno.test("settingsDiff() lists the preset's stages that did not run (runs --config dropped)", () => {
  const s = settingsDiff(PRESET, AS_RAN.filter((r) => r.id !== "a-seed1"));
  assert.deepEqual(s.missing, ["a-seed1"]);
  assert.deepEqual(settingsRows(s), [
    { param: "(preset stage that did not run)", preset: "—", used: null, stages: "a-seed1" },
  ]);
  assert.equal(
    settingsSummary(s, "default"),
    'All 2 stages behind this report ran with the "default" preset\'s params, but 1 of the ' +
      "preset's stages is not behind it (--config dropped it): the decisions below describe the " +
      "preset, the table says what ran instead.",
  );
  // with a stage added as well, both are named; with an unreadable entry nothing is called missing
  const both = settingsDiff(PRESET, [...AS_RAN.slice(0, 1), { id: "a-seed2", params: {} }]);
  assert.deepEqual([both.extra, both.missing], [["a-seed2"], ["a-seed1", "b"]]);
  assert.match(
    settingsSummary(both, "default"),
    /^1 of the 2 stages .* \(a --set or --config override, or a stage the preset does not have\), and 2 of the preset's stages are not behind it \(--config dropped them\): /,
  );
  assert.deepEqual(settingsDiff(PRESET, AS_RAN.slice(0, 1), ["0123"]).missing, []);
});
