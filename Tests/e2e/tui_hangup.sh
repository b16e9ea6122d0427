#!/usr/bin/env bash
# End-to-end test: the terminal workbench ends itself when its terminal goes away, and SIGTERM ends it even then.
# Runs `prograd tui --demo` (no model needed) in tmux, starts its grid, then
#   1. kills the tmux server (the terminal hangs up; the wrapper shell survives it, so it is the failing reads that
#      tell): the process must be gone within 3 s, exit ≠ 0; 1b. the same with SIGHUP sent straight to it;
#   2. the same for a workbench in its own session (no SIGHUP reaches it: reading/writing the terminal must fail it);
#   3. stops a workbench, kills its terminal, sends SIGTERM and lets it go on: it must be gone within 1 s.
# Usage: Tests/e2e/tui_hangup.sh [path/to/prograd]   (default .build/release/prograd)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${1:-$ROOT/.build/release/prograd}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
[ -x "$BIN" ] || { echo "tui_hangup: $BIN is missing (swift build -c release --product prograd)" >&2; exit 1; }
command -v tmux >/dev/null || { echo "tui_hangup: tmux is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
WORK=$(mktemp -d)
SOCKET="$WORK/tmux.sock"
SESSION="prograd-hangup-$$"
T() { tmux -S "$SOCKET" "$@"; }
PIDS=()
cleanup() {
  T kill-server >/dev/null 2>&1 || true
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$WORK" 2>/dev/null || true
}
trap cleanup EXIT
fail() { echo "tui_hangup: FAIL: $*" >&2; exit 1; }

wait_for() {   # pattern on the pane, within $2 seconds
  local pattern=$1 limit=${2:-20} start=$SECONDS
  while ! T capture-pane -p -t "$SESSION" 2>/dev/null | grep -Eq -- "$pattern"; do
    [ $((SECONDS - start)) -ge "$limit" ] && { T capture-pane -p -t "$SESSION" >&2 || true; fail "timed out waiting for /$pattern/"; }
    sleep 0.1
  done
}

# Waits up to $2 tenths of a second for process $1 to end; fails with $3 if it is still there.
gone_within() {
  local pid=$1 tenths=$2 i=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ $i -ge "$tenths" ]; then
      local cpu; cpu=$(ps -o %cpu= -p "$pid" 2>/dev/null || true)
      fail "$3: pid $pid still running after $((tenths / 10)).$((tenths % 10)) s (cpu ${cpu:-?} %)"
    fi
    sleep 0.1; i=$((i + 1))
  done
}

# Starts the demo workbench in a fresh tmux server ($1 = "setsid" to run it in its own session, so that the
# terminal's hang-up sends it no SIGHUP), starts the grid and waits for epochs; sets PID.
start() {
  local prefix=""; [ "${1:-}" = setsid ] && prefix="setsid -w"
  rm -f "$WORK/pid" "$WORK/code"
  # The wrapper ignores SIGHUP so that it survives the hang-up and records the workbench's exit code; the
  # workbench installs its own handler (an inherited SIG_IGN does not hide SIGHUP from it).
  cat > "$WORK/run.sh" <<SH
trap '' HUP
exec 3<&0
"$BIN" tui --demo <&3 3<&- 2>"$WORK/stderr.txt" &
echo \$! > "$WORK/pid"
wait \$!
echo \$? > "$WORK/code"
SH
  T -f /dev/null new-session -d -s "$SESSION" -x 100 -y 30 -c "$WORK" \
    "env -i PATH=/usr/bin:/bin HOME=$WORK TERM=xterm-256color LANG=C.UTF-8 $prefix bash $WORK/run.sh"
  wait_for 'Setup: '
  T send-keys -t "$SESSION" s
  wait_for 'ep [0-9]+/[0-9]+' 60
  PID=$(cat "$WORK/pid"); PIDS+=("$PID")
  kill -0 "$PID" || fail "workbench is not running"
}

# Waits up to 3 s for the wrapper to record the exit code; the code must be non-zero.
expect_failure_code() {
  local i=0
  while [ ! -s "$WORK/code" ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
  [ -s "$WORK/code" ] || fail "$1: no exit code recorded"
  [ "$(cat "$WORK/code")" != 0 ] || fail "$1: exit code 0 after the terminal went away"
  echo "tui_hangup: $1: exit $(cat "$WORK/code")"
}

# 1. The tmux server dies: the terminal hangs up under the workbench.
start
T kill-server
gone_within "$PID" 30 "hang-up"
expect_failure_code "hang-up"

# 1b. The workbench is the pane's own process (the session leader): the hang-up sends SIGHUP straight to it.
cat > "$WORK/direct.sh" <<SH
echo \$\$ > "$WORK/pid"
exec "$BIN" tui --demo 2>"$WORK/stderr.txt"
SH
rm -f "$WORK/pid"
T -f /dev/null new-session -d -s "$SESSION" -x 100 -y 30 -c "$WORK" \
  "env -i PATH=/usr/bin:/bin HOME=$WORK TERM=xterm-256color LANG=C.UTF-8 bash $WORK/direct.sh"
wait_for 'Setup: '
T send-keys -t "$SESSION" s
wait_for 'ep [0-9]+/[0-9]+' 60
PID=$(cat "$WORK/pid"); PIDS+=("$PID")
T kill-server
gone_within "$PID" 30 "hang-up with SIGHUP"

# 2. Same as 1, but the workbench is in its own session: no SIGHUP, only reads and writes that fail.
start setsid
T kill-server
gone_within "$PID" 30 "terminal gone without SIGHUP"
expect_failure_code "terminal gone without SIGHUP"

# 3. SIGTERM ends a workbench whose terminal is gone: stopped while its terminal dies, then SIGTERM, then continued.
start setsid
kill -STOP "$PID"
T kill-server
sleep 0.3
kill -TERM "$PID"
kill -CONT "$PID"
gone_within "$PID" 10 "SIGTERM after the terminal went away"
echo "tui_hangup: ok (the workbench ends within seconds when its terminal goes away, with or without SIGHUP, and within 1 s on SIGTERM)"
