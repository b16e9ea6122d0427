#!/usr/bin/env bash
# Runs the whole test suite in release mode (numeric code is far too slow in debug): every XCTest test, then the
# end-to-end scripts (the terminal workbench in tmux). The last line is the summary of the whole run:
# "N passed, N failed" (each XCTest test counts one, each end-to-end script one).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
passed=0; failed=0
summary() { echo; echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; }
if ! swift build -c release -Xswiftc -enable-testing --build-tests; then
  echo "build failed"; failed=$((failed + 1)); summary; exit 1
fi
log=$(mktemp)
swift test -c release -Xswiftc -enable-testing --skip-build 2>&1 | tee "$log"
# XCTest's total: "Executed N tests, with M failures" on the 'All tests' suite (the last such line).
total=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -1)
if [ -z "$total" ]; then
  echo "swift test printed no XCTest total (crashed?)"; failed=$((failed + 1))
else
  n=$(echo "$total" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
  f=$(echo "$total" | sed -E 's/.*with ([0-9]+) failures?.*/\1/')
  passed=$((passed + n - f)); failed=$((failed + f))
fi
rm -f "$log"
# The terminal workbench end to end, in tmux, on the prograd binary the build above made.
for script in Tests/e2e/tui_tmux.sh Tests/e2e/tui_hangup.sh; do
  if bash "$script" .build/release/prograd; then passed=$((passed + 1)); else echo "FAILED: $script"; failed=$((failed + 1)); fi
done
summary
