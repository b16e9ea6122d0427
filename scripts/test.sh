#!/usr/bin/env bash
# Runs the whole test suite in release mode (numeric code is far too slow in debug).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build
# The terminal workbench end to end, in tmux, on the prograd binary the build above made.
bash Tests/e2e/tui_tmux.sh .build/release/prograd
bash Tests/e2e/tui_hangup.sh .build/release/prograd
