#!/usr/bin/env bash
# End-to-end test of the terminal workbench: runs the real binary inside tmux, starts a grid, waits for epochs in
# the live panels, exports the table through the export dialog, quits, and checks exit code 0 and a sane terminal.
# Usage: Tests/e2e/tui_tmux.sh [path/to/prograd]   (default .build/release/prograd; builds it when missing)
# PROGRAD_E2E_GRID picks what the workbench opens: "embedded" (default: a small real grid on the embedded CLIP and one
# world task, written to a fresh folder), "demo" (the scripted synthetic grid of `prograd tui --demo`) or the path of
# an experiments file whose first experiment is small. The interrupt checks always use the demo grid, whose runs are
# slow enough to still be active when the test interrupts them.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${1:-$ROOT/.build/release/prograd}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
GRID=${PROGRAD_E2E_GRID:-embedded}
SLOW_OPEN="tui --demo"              # slow enough that runs are still active when the test interrupts them
WORK=$(mktemp -d)
if [ "$GRID" = demo ]; then
  OPEN="tui --demo --demo-epoch-seconds 0.05"
elif [ "$GRID" = embedded ]; then
  cat > "$WORK/experiments.json" <<JSON
{"experiments": [{
  "name": "e2e", "model": "$ROOT/Models/embedded-clip",
  "datasets": [{"name": "WorldPolygons", "root": "$ROOT/data/world/WorldPolygons", "layout": "world"}],
  "protocol": "base-to-new", "shots": [1, 4], "seeds": [1], "epochs": 20,
  "methods": [{"method": "zeroshot"}, {"method": "coop", "nCtx": 16}, {"method": "prograd", "nCtx": 16}],
  "output": "$WORK/results"}]}
JSON
  OPEN="tui $WORK/experiments.json"
else
  OPEN="tui $(cd "$(dirname "$GRID")" && pwd)/$(basename "$GRID")"
fi
if [ ! -x "$BIN" ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
  swift build -c release --product prograd >&2
fi
command -v tmux >/dev/null || { echo "tui_tmux: tmux is not installed (scripts/setup.sh installs it)" >&2; exit 1; }

SESSION="prograd-e2e-$$"
SOCKET="$WORK/tmux.sock"
T() { tmux -S "$SOCKET" "$@"; }
cleanup() { T kill-server >/dev/null 2>&1 || true; sleep 0.2; rm -rf "$WORK" 2>/dev/null || true; }
trap cleanup EXIT

fail() {
  echo "tui_tmux: FAIL: $*" >&2
  echo "---- screen ----" >&2
  T capture-pane -p -t "$SESSION" >&2 || true
  exit 1
}

# Waits until the pane shows text matching the extended regex $1 (timeout $2 seconds, default 20).
wait_for() {
  local pattern=$1 limit=${2:-20} start=$SECONDS
  while ! T capture-pane -p -t "$SESSION" | grep -Eq -- "$pattern"; do
    [ $((SECONDS - start)) -ge "$limit" ] && fail "timed out waiting for /$pattern/"
    sleep 0.1
  done
}

T -f /dev/null new-session -d -s "$SESSION" -x 100 -y 30 -c "$WORK" "env -i PATH=/usr/bin:/bin HOME=$WORK TERM=xterm-256color LANG=C.UTF-8 bash --norc --noprofile"
T set-option -t "$SESSION" status off >/dev/null
T send-keys -t "$SESSION" "PS1='READY\$ '; stty -g > stty.before; clear" Enter
wait_for '^READY\$'

# A short grid: epochs must arrive in the live panels, then the table is exported.
T send-keys -t "$SESSION" "$BIN $OPEN 2> stderr.txt; echo EXIT=\$?; stty -g > stty.after; echo DONE" Enter
wait_for 'Setup: '
wait_for '[0-9]+ runs \('
T send-keys -t "$SESSION" s
wait_for 'ep [0-9]+/[0-9]+' 600      # epochs arrive in the live panels
wait_for 'conf'                     # ProGrad's conflict rows
wait_for 'grid finished: [0-9]+ runs' 1800
T send-keys -t "$SESSION" 4
wait_for 'ProGrad +\*?[0-9]+\.[0-9]{2}'  # the results table has rows
T send-keys -t "$SESSION" e
wait_for 'Export results'
T send-keys -t "$SESSION" Right     # csv → md
wait_for 'results-.*\.md'
T send-keys -t "$SESSION" Enter
wait_for 'wrote results-.*\.md'
EXPORTED=$(ls "$WORK"/results-*.md 2>/dev/null | head -1)
[ -s "$EXPORTED" ] || fail "export file missing"
grep -qi '| *prograd' "$EXPORTED" || fail "export lacks the ProGrad row: $(cat "$EXPORTED")"
T send-keys -t "$SESSION" q
wait_for '^EXIT=0' 10
wait_for '^DONE' 10
cmp -s "$WORK/stty.before" "$WORK/stty.after" || fail "terminal modes changed: $(cat "$WORK/stty.before") vs $(cat "$WORK/stty.after")"
# The terminal still echoes and takes lines.
T send-keys -t "$SESSION" "echo usable-\$((6*7))" Enter
wait_for '^usable-42'

# Ctrl-C while runs are active quits at once with 0; SIGTERM quits cleanly too; a crash (SIGSEGV) still gives the
# terminal back before the process dies. Resizing re-lays out at once, with the too-small screen below 64×20.
for how in ctrl-c sigterm crash; do
  T send-keys -t "$SESSION" "clear; bash -c 'echo \$\$ > tui.pid; exec \"\$0\" \"\$@\"' $BIN $SLOW_OPEN 2>> stderr.txt; echo EXIT=\$?; stty -g > stty.after; echo DONE" Enter
  wait_for 'Setup: '
  T send-keys -t "$SESSION" s
  wait_for 'ep [0-9]+/[0-9]+' 600
  case $how in
    ctrl-c)
      T resize-window -t "$SESSION" -x 50 -y 15
      wait_for 'terminal too small' 5
      wait_for '\(have 50×15, need 64×20\)' 5
      T resize-window -t "$SESSION" -x 100 -y 30
      wait_for 'Live: ' 5
      T send-keys -t "$SESSION" C-c
      expect=0 ;;
    sigterm) kill -TERM "$(cat "$WORK/tui.pid")"; expect=0 ;;
    crash) kill -SEGV "$(cat "$WORK/tui.pid")"; expect=139 ;;
  esac
  wait_for "^EXIT=$expect" 10
  wait_for '^DONE' 10
  cmp -s "$WORK/stty.before" "$WORK/stty.after" || fail "$how: terminal modes changed"
done

# A locale that is not UTF-8 gets ASCII line drawing.
T send-keys -t "$SESSION" "clear; LANG=C LC_ALL=C $BIN $OPEN 2>> stderr.txt; echo EXIT=\$?; echo DONE" Enter
wait_for '^\+ 1 Setup: [^ ]+ -+'
T send-keys -t "$SESSION" q
wait_for '^EXIT=0' 10
[ ! -s "$WORK/stderr.txt" ] || fail "stderr was written while the TUI ran: $(cat "$WORK/stderr.txt")"
echo "tui_tmux: ok (grid ran, epochs shown, table exported, quit with 0; resize, Ctrl-C, SIGTERM and a crash leave the terminal restored; ASCII without UTF-8)"
