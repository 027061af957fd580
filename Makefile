# Satchel: `make run` opens the app, `make test` runs every test. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := run

APP_BIN := target/debug/satchel-app
TOOLS_BIN := $(CURDIR)/.tools/bin
# The benchmarks run their own garage, fully optimised (the tests' is built quicker).
BENCH_ENV := SATCHEL_GARAGE=$(CURDIR)/.tools/bench/bin/garage PATH="$(TOOLS_BIN):$$PATH"
# Tests never see the machine's own AWS credentials or Satchel settings.
TEST_ENV := env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
	AWS_CONFIG_FILE=/nonexistent/aws-config AWS_SHARED_CREDENTIALS_FILE=/nonexistent/aws-credentials \
	PATH="$(TOOLS_BIN):$$PATH"
# A private D-Bus session with an unlocked gnome-keyring: the real Secret Service, not a mock.
WITH_KEYRING := dbus-run-session -- tests/with-keyring

.PHONY: run app ui-build test test-rust test-ui test-e2e test-dist test-windows tidy-debug tidy-release dist dist-windows deps test-deps bindings clean bench bench-deps bench-build bench-bucket-rm bench-list bench-upload bench-download bench-sync bench-app startup-order

run: deps app
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  echo "No display found: starting Satchel under Xvfb (invisible; useful only for checks)."; \
	  xvfb-run -a -s "-screen 0 1400x900x24" $(APP_BIN); \
	else $(APP_BIN); fi

deps:
	.ci/deps system ui

test-deps: deps
	.ci/deps venv e2e tauri-driver garage dist windows

# The window's files, built again only when a source of theirs changed: rewritten, they make cargo
# embed them anew and relink the app (minutes) for nothing, as each bench target once did.
UI_SOURCES := $(shell find ui/src -type f) $(wildcard ui/index.html ui/package.json ui/package-lock.json ui/svelte.config.js ui/tsconfig.json ui/vite.config.ts)
ui-build: ui/dist/index.html

ui/dist/index.html: $(UI_SOURCES)
	cd ui && npm run build

# A debug binary that embeds ui/dist: quick to build, and what the end-to-end tests drive.
app: ui-build
	cargo build -p satchel-app --features custom-protocol

test: test-deps test-rust test-ui test-e2e tidy-debug test-dist tidy-release test-windows
	@echo "All tests passed."

# One feature set for every build `make test` does: the app with its window's files embedded (hence
# ui/dist first), the tests' dev-dependencies unified in. `cargo build -p …` would resolve features
# anew and compile the AWS SDK twice more: CI's time, and the disk it once ran out of.
TEST_BUILD := --workspace --locked --features satchel-app/custom-protocol

test-rust: ui-build
	$(TEST_ENV) $(WITH_KEYRING) cargo test $(TEST_BUILD)

test-ui:
	cd ui && npm run check && npm test

# The test build leaves target/debug/satchel-app and target/debug/satchel: after test-rust, nothing
# is compiled again.
test-e2e: ui-build
	cargo test $(TEST_BUILD) --no-run
	$(TEST_ENV) $(WITH_KEYRING) xvfb-run -a -s "-screen 0 1400x900x24" node tests/e2e/run.mjs

# CI's disk is small: with TIDY=1 (.ci/run sets it) each build's outputs go once no later step of
# `make test` needs them. Locally they stay, so the next run rebuilds nothing.
tidy-debug:
	$(if $(TIDY),rm -rf target/debug)
tidy-release:
	$(if $(TIDY),rm -rf target/release/deps target/release/build target/release/.fingerprint)

# Packages: the release app and CLI, bundled by Tauri's bundler (from the npm CLI, no downloads) into
# a .deb and an .rpm under target/release/bundle/.
dist: deps ui-build
	cargo build --release --locked -p satchel-app -p satchel-cli --features satchel-app/custom-protocol
	ui/node_modules/.bin/tauri bundle --bundles deb,rpm
	@ls -l target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm

# The Windows app and CLI, cross-built with mingw-w64 into target/x86_64-pc-windows-gnu/release/.
# Not part of `make test`: the app needs Microsoft's WebView2, which Wine lacks, and no installer can
# be bundled here (README, "Packages").
dist-windows: deps ui-build
	.ci/deps windows
	cargo build --release --locked --target x86_64-pc-windows-gnu -p satchel-app -p satchel-cli --features satchel-app/custom-protocol

# Installs the .deb, checks and launches it, removes it (needs root or sudo: apt).
test-dist: dist
	.ci/deps dist e2e tauri-driver
	$(TEST_ENV) $(WITH_KEYRING) tests/package/check-installed

# The Windows CLI, cross-built with mingw-w64 and run under Wine.
test-windows:
	.ci/deps venv windows
	$(TEST_ENV) tests/wine/run

# Regenerates ui/src/lib/bindings.ts from the Rust commands (a test fails when it drifts).
bindings:
	UPDATE_BINDINGS=1 cargo test -p satchel-app --test bindings

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules tests/e2e/node_modules .venv

# Benchmarks (not tests): side by side with the tools users would pick instead, in one run.
bench-deps: test-deps
	.ci/deps bench

bench: bench-list bench-bucket-rm bench-upload bench-download bench-sync bench-app

# One feature set for every benchmark's build, the packages' own (`make dist` then compiles nothing
# again): the app with its window embedded, the CLI, the servers, and the bare window the app's
# memory and start are measured against.
BENCH_BUILD := --release --locked -p satchel-app -p satchel-cli -p satchel-harness -p bare-window \
	--features satchel-app/custom-protocol,bare-window/custom-protocol

bench-build: bench-deps ui-build
	cargo build $(BENCH_BUILD)

bench-bucket-rm: bench-build
	$(BENCH_ENV) .venv/bin/python tests/bench/bucket_rm.py

bench-list: bench-build
	$(BENCH_ENV) .venv/bin/python tests/bench/list.py

bench-upload: bench-build
	$(BENCH_ENV) .venv/bin/python tests/bench/upload.py

bench-download: bench-build
	$(BENCH_ENV) .venv/bin/python tests/bench/download.py

bench-sync: bench-build
	$(BENCH_ENV) .venv/bin/python tests/bench/sync.py

# The real window (release build) under Xvfb through tauri-driver, beside the CLI: listing, scrolling,
# memory, start, uploads (tests/bench/app.mjs).
bench-app: bench-build
	.ci/deps e2e tauri-driver
	$(TEST_ENV) $(BENCH_ENV) $(WITH_KEYRING) xvfb-run -a -s "-screen 0 1400x900x24 -noreset" node tests/bench/app.mjs

# Records which of the release app's functions run at startup, for the link to lay out together
# (src-tauri/build.rs); commit the new src-tauri/startup-order.txt, then build the release again.
startup-order: bench-build
	$(TEST_ENV) $(WITH_KEYRING) xvfb-run -a -s "-screen 0 1400x900x24" tests/bench/startup-order
