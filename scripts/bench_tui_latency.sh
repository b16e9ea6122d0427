#!/usr/bin/env bash
# Key-to-screen latency of the workbench while a grid runs (a benchmark, not a test).
# Runs the binary in tmux, starts a grid, then presses "?" (help overlay on/off) N times and measures
#  (a) inside the process: key read → changed cells written (PROGRAD_TUI_LATENCY_LOG), and
#  (b) from outside: tmux send-keys → the pane shows the change (includes tmux's own delivery and capture cost).
# Usage: scripts/bench_tui_latency.sh [N=40] [prograd binary] [extra tui arguments…]
#   default: the demo grid (--demo --demo-epoch-seconds 0.02, events every 20 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-40}
BIN=${2:-$PWD/.build/release/prograd}
shift $(( $# > 2 ? 2 : $# )) || true
ARGS=${*:-"tui --demo --demo-epoch-seconds 0.02"}
WORK=$(mktemp -d); SOCKET="$WORK/tmux.sock"; SESSION=bench
T() { tmux -S "$SOCKET" "$@"; }
trap 'T kill-server >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
T -f /dev/null new-session -d -s $SESSION -x 120 -y 40 -c "$WORK" \
  "env TERM=xterm-256color LANG=C.UTF-8 PROGRAD_TUI_LATENCY_LOG=$WORK/latency.txt $BIN $ARGS; sleep 30"
until T capture-pane -p -t $SESSION | grep -q 'Setup'; do sleep 0.05; done
T send-keys -t $SESSION s
until T capture-pane -p -t $SESSION | grep -Eq 'ep [0-9]+/'; do sleep 0.05; done

# Presses "?" N times in window $1, timing each until the overlay title appears / disappears.
measure() {
  local target=$1 out=()
  for i in $(seq 1 "$N"); do
    t0=$(date +%s%N)
    T send-keys -t "$target" '?'
    while :; do
      if T capture-pane -p -t "$target" | grep -q 'Keys (? or Esc closes)'; then shown=1; else shown=0; fi
      [ $shown -eq $(( i % 2 )) ] && break
    done
    t1=$(date +%s%N)
    out+=($(( (t1 - t0) / 1000 )))
    sleep 0.05
  done
  printf '%s\n' "${out[@]}" | sort -n | awk -v what="$2" '{a[NR]=$1} END {printf "%s: keys %d  median %.1f ms  p95 %.1f ms  max %.1f ms\n", what, NR, a[int((NR+1)/2)]/1000, a[int(NR*0.95+0.5)]/1000, a[NR]/1000}'
}
measure $SESSION "outside, workbench (tmux send-keys → pane shows it)"
# Baseline, while the workbench keeps running (the same load on the cores): the same measurement against a shell
# loop that toggles the same line on each key: the cost of tmux and of this script's own processes.
T new-window -d -t $SESSION -n base "bash -c 'on=0; while IFS= read -rsn1 k; do on=\$((1-on)); clear; [ \$on = 1 ] && echo \"Keys (? or Esc closes)\"; done'"
sleep 0.3
measure $SESSION:base "outside, baseline shell loop under the same load (tmux's and this script's own cost)"
T send-keys -t $SESSION:0 C-c
for _ in $(seq 1 100); do [ -s "$WORK/latency.txt" ] && break; sleep 0.05; done
echo "inside (key read → cells written): $(cat "$WORK/latency.txt" 2>/dev/null || echo 'no log')"
