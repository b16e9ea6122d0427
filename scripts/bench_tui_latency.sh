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
ext=()
for i in $(seq 1 "$N"); do
  if (( i % 2 )); then want='Keys \(\? or Esc closes\)'; else want='!Keys'; fi
  t0=$(date +%s%N)
  T send-keys -t $SESSION '?'
  while :; do
    screen=$(T capture-pane -p -t $SESSION)
    if [ "$want" = '!Keys' ]; then ! grep -q 'Keys (? or Esc closes)' <<<"$screen" && break
    else grep -Eq "$want" <<<"$screen" && break; fi
  done
  t1=$(date +%s%N)
  ext+=($(( (t1 - t0) / 1000 )))
  sleep 0.05
done
T send-keys -t $SESSION C-c
for _ in $(seq 1 100); do [ -s "$WORK/latency.txt" ] && break; sleep 0.05; done
printf '%s\n' "${ext[@]}" | sort -n | awk '{a[NR]=$1} END {printf "outside (tmux send-keys → pane shows it): keys %d  median %.1f ms  p95 %.1f ms  max %.1f ms\n", NR, a[int((NR+1)/2)]/1000, a[int(NR*0.95+0.5)]/1000, a[NR]/1000}'
echo "inside (key read → cells written): $(cat "$WORK/latency.txt" 2>/dev/null || echo 'no log')"
