# Shared by the shell test scripts (tests/package/check-installed, tests/wine/run): sourced, not run.

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

# The endpoint a `satchel sandbox --json` started in the background announces in FILE, once it has
# written it (within 30 s).
sandbox_endpoint() {
  local file=$1
  for _ in $(seq 300); do [ -s "$file" ] && break; sleep 0.1; done
  [ -s "$file" ] || fail "the sandbox did not start"
  python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().strip())["endpoint"])' "$file"
}
