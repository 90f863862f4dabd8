# Thin wrappers over the deno tasks. Deno itself comes, pinned, from npm through npx, so a machine
# with only Node.js and npm can run every target. Variables: SCALE=smoke|default|paper, EP=cpu|webgpu|cuda,
# FORMAT=text|dot|mermaid (make dag), CONFIG='figure3.seeds=[0,1,2,3,4] figure3.epochs=8' (--config
# overrides of the experiments' grids, separated by spaces, so with no space inside a value).
DENO_VERSION := 2.9.6
DENO ?= npx --yes deno@$(DENO_VERSION)
SCALE ?= default
EP ?= cpu
FORMAT ?= text
CONFIG ?=
CONFIG_FLAGS = $(foreach c,$(CONFIG),--config '$(c)')
RUN = $(DENO) task reproduce --scale $(SCALE) --ep $(EP) $(CONFIG_FLAGS)

.PHONY: reproduce data theory figure1 appendix-c figure2 cifar-fcn figure3 report dag test verify gc bench gpu-bundle clean

reproduce:
	$(RUN)
# one target per named DAG target (stages/mod.ts; a test keeps the two lists equal)
data:
	$(RUN) --only data
figure1:
	$(RUN) --only figure1
figure2:
	$(RUN) --only figure2
cifar-fcn:
	$(RUN) --only cifar-fcn
figure3:
	$(RUN) --only figure3
appendix-c:
	$(RUN) --only appendix-c
theory:
	$(RUN) --only theory
report:
	$(RUN) --only report
# the DAG with each stage's status, one node per module that declares stages
dag:
	@$(DENO) task -q pipeline dag --group --scale $(SCALE) --ep $(EP) --format $(FORMAT) $(CONFIG_FLAGS)
test:
	$(DENO) task test
verify:
	$(DENO) task verify
gc:
	$(DENO) task gc --ep $(EP) $(CONFIG_FLAGS)
bench:
	$(DENO) task bench:pipeline
# .device/: Deno, node_modules and the Vulkan loader for models/train/gpu/run.sh on a GPU machine
gpu-bundle:
	models/train/gpu/prepare.sh
clean:
	rm -rf out
