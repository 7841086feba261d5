#!/usr/bin/env bash
# crowded.sh checks the game in crowded worlds (issue 9): in a 64x64 world,
# where every boid is within reach of every other, the window must keep
# drawing (at least MINFPS frames/s), Escape must end the program within a
# second, and the peak memory must stay bounded per boid.
#
#   scripts/crowded.sh [BOIDS...]     (default 20000 100000; every design)
#
# MODES lists the regimes to check (default "ticked free").
#
# It needs Xvfb, xdotool and GNU time. Run it on a quiet machine: frame
# rates are wall-clock figures.
set -euo pipefail
cd "$(dirname "$0")/.."
MINFPS=${MINFPS:-10}
MAXKB_PER_BOID=${MAXKB_PER_BOID:-10}
read -r -a modes <<<"${MODES:-ticked free}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20000 100000)
for tool in Xvfb xdotool /usr/bin/time bc; do
	command -v "$tool" >/dev/null || { echo "crowded: $tool is missing" >&2; exit 2; }
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/boids" ./cmd/boids
xvfb=
# With set -e a failing command in the trap would end it with status 1
# and leave the directory: the X server may be gone already.
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$dir"' EXIT
# escape presses Escape in window $1 and holds it a tenth of a second, as
# a hand does. A press released at once (xdotool key) lasts less than a
# tick: a window drawing faster than its 60 ticks/s (a crowded flock drawn
# on the CPU draws over 100 frames/s under Xvfb) can poll the key down and
# up between two ticks, and the game never sees it.
escape() {
	DISPLAY=$display timeout 5 xdotool windowfocus --sync "$1" keydown --window "$1" Escape sleep 0.1 keyup --window "$1" Escape
}
fail=0
for mode in "${modes[@]}"; do
	for n in "${sizes[@]}"; do
		for s in mutex channel lockfree sharded actors; do
			log="$dir/$s-$n-$mode.txt"
			# A fresh display per run, so that the window found is this run's.
			display=:$((100 + RANDOM % 400))
			Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
			xvfb=$!
			# Wait for the server to answer, not a fixed second: on a loaded
			# machine a game started too early finds no display and ends at once.
			for _ in $(seq 100); do DISPLAY=$display xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
			DISPLAY=$display /usr/bin/time -v "$dir/boids" -seed 1 -boids "$n" -size 64x64 -strategy "$s" -mode "$mode" >"$log" 2>&1 &
			game=$!
			# Let it run; look the window up only then, as it may be made twice
			# on the way up.
			sleep 10
			# Bounded: a game that died has no window to wait for.
			wid=$(DISPLAY=$display timeout 20 xdotool search --sync --name '^boids$' | tail -1) || true
			t0=$(date +%s.%N)
			# The window found may be one the game replaced on its way up: look
			# it up again and retry once rather than end the whole check. A game
			# that quits at once makes xdotool fail too (its window is gone
			# before xdotool is done with it): a game that ends within the
			# second it is allowed needs no retry.
			if ! escape "$wid" 2>/dev/null; then
				for _ in $(seq 20); do kill -0 $game 2>/dev/null || break; sleep 0.05; done
				if kill -0 $game 2>/dev/null; then
					wid=$(DISPLAY=$display timeout 5 xdotool search --sync --name '^boids$' | tail -1) || true
					escape "$wid" || echo "crowded: could not press Escape in the $s window"
				fi
			fi
			for _ in $(seq 600); do kill -0 $game 2>/dev/null || break; sleep 0.05; done
			took=$(echo "$(date +%s.%N) - $t0" | bc)
			if kill -0 $game 2>/dev/null; then
				kill -9 $(ps -o pid= --ppid $game) $game
				took="over 30"
			fi
			wait $game || true
			kill $xvfb
			wait $xvfb 2>/dev/null || true
			fps=$(sed -n 's/.*avg fps \([0-9.]*\).*/\1/p' "$log")
			kb=$(awk '/Maximum resident/ {print $6}' "$log")
			echo "$s $mode $n boids in 64x64: $(grep '^frames:' "$log" || echo 'no summary'); exit ${took}s after Escape; peak RSS ${kb} KB"
			if [ -z "$fps" ] || [ "$(echo "$fps < $MINFPS" | bc)" = 1 ]; then
				echo "  FAIL: under $MINFPS frames/s"; fail=1
			fi
			if [ "$took" = "over 30" ] || [ "$(echo "$took > 1" | bc)" = 1 ]; then
				echo "  FAIL: Escape took more than a second"; fail=1
			fi
			if [ -z "$kb" ] || [ "$kb" -gt $((MAXKB_PER_BOID * n + 200000)) ]; then
				echo "  FAIL: peak RSS over ${MAXKB_PER_BOID} KB per boid (+200 MB)"; fail=1
			fi
		done
	done
done
exit $fail
