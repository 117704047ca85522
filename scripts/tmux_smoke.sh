#!/usr/bin/env bash
# Smoke test as a person would: start `crisiswatch --demo` in tmux at 120x40,
# wait for the panels, press keys, read the screen. Exits non-zero on failure.
#
#   scripts/tmux_smoke.sh            (CRISISWATCH=path/to/crisiswatch to pick the binary)
set -euo pipefail

BIN=${CRISISWATCH:-$(command -v crisiswatch || echo "$(dirname "$0")/../.venv/bin/crisiswatch")}
SESSION="cw-smoke-$$"
OUT=$(mktemp -d)
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true' EXIT

key() {  # key KEYS...: every key is followed by a wait for what it should show,
    tmux send-keys -t "$SESSION" "$@"  # so an Escape is never read together with the next key
}

screen() { tmux capture-pane -t "$SESSION" -p > "$OUT/screen.txt"; cat "$OUT/screen.txt"; }

wait_for() {  # wait_for PATTERN SECONDS: poll the pane until PATTERN shows
    local pattern=$1 limit=$2 i
    for ((i = 0; i < limit * 10; i++)); do
        if tmux capture-pane -t "$SESSION" -p | grep -q -- "$pattern"; then
            return 0
        fi
        sleep 0.1
    done
    echo "FAIL: '$pattern' did not appear within ${limit}s; the screen was:" >&2
    screen >&2
    exit 1
}

expect_gone() {
    local pattern=$1 limit=$2 i
    for ((i = 0; i < limit * 10; i++)); do
        if ! tmux capture-pane -t "$SESSION" -p | grep -q -- "$pattern"; then
            return 0
        fi
        sleep 0.1
    done
    echo "FAIL: '$pattern' still on screen after ${limit}s" >&2
    screen >&2
    exit 1
}

tmux new-session -d -s "$SESSION" -x 120 -y 40 "$BIN --demo; echo \"EXIT CODE \$?\"; sleep 60"

# The main screen: header, panels, alerts strip, key bar.
wait_for "crisiswatch" 15
wait_for "LIVE" 15
wait_for "UKR Ukraine" 15
wait_for "ALERTS" 5
wait_for "/ search" 5
wait_for "feeds [0-9]* ok" 20            # the collector process has polled the demo feeds
wait_for "items/h" 5
echo "main screen ok"

# Pause and resume.
key p
wait_for "PAUSED" 5
key p
wait_for "LIVE" 5
echo "pause ok"

# Zoom into the focused country (the first panel), then back.
key Enter
wait_for "In conflict with" 5
wait_for "Timeline" 5
wait_for "esc back" 5
key Escape
expect_gone "In conflict with" 5
echo "zoom ok"

# Help shows the index formula.
key "?"
wait_for "corroborated" 5
key Escape
expect_gone "corroborated" 5
echo "help ok"

# Feeds screen.
key f
wait_for "configured" 5
key Escape
expect_gone "configured" 5
echo "feeds ok"

# Search, typed like a person, including characters that mean something to FTS.
key /
wait_for "search all stored items" 5
tmux send-keys -t "$SESSION" -l 'the "(*'
key Enter
wait_for "results for" 5
key Escape
expect_gone "results for" 5
echo "search ok"

# Level filter.
key l
wait_for "Show items at level" 5
key 3
wait_for "level ≥ 3" 5
echo "level filter ok"

# The collector is a child process of the dashboard (not a thread in it); r reaches it.
PANE_PID=$(tmux display -p -t "$SESSION" '#{pane_pid}')
DASH_PID=$(pgrep -P "$PANE_PID" | head -1 || true)
COLLECTOR_PID=$(pgrep -P "${DASH_PID:-0}" -f collector_process | head -1 || true)
if [[ -z "$COLLECTOR_PID" ]]; then
    echo "FAIL: no collector process under the dashboard (pid ${DASH_PID:-?})" >&2
    exit 1
fi
key r
wait_for "polling all feeds now" 5
echo "collector process ok"

# Quit cleanly: the collector goes with the dashboard.
key q
wait_for "EXIT CODE 0" 15
for ((i = 0; i < 100; i++)); do
    kill -0 "$COLLECTOR_PID" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$COLLECTOR_PID" 2>/dev/null; then
    echo "FAIL: the collector process $COLLECTOR_PID outlived the dashboard" >&2
    exit 1
fi
echo "quit ok"
echo "tmux smoke test passed"
