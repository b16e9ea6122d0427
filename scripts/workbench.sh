#!/usr/bin/env bash
# Builds and opens the workbench on the committed experiments.json (the embedded default model and tasks).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product prograd
exec .build/release/prograd "$@"
