package game

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
)

// newTestFlight is a recorder writing into a fresh folder, its lines in
// out.
func newTestFlight(t *testing.T, on bool, spike float64) (*flight, *syncBuffer) {
	out := &syncBuffer{}
	f := newFlight(&logger{w: out}, on, spike)
	f.dir = t.TempDir()
	t.Cleanup(f.close)
	return f, out
}

// waitDump waits for the dump being written and reports it.
func waitDump(f *flight) {
	f.writing.Wait()
	f.poll()
}

func TestFlightKeyDump(t *testing.T) {
	f, out := newTestFlight(t, true, 0)
	now := time.Date(2026, 11, 26, 12, 30, 5, 0, time.UTC)
	f.dump(now, "key T")
	f.dump(now, "key T")
	waitDump(f)
	name := filepath.Join(f.dir, "boids-trace-20261126-123005.out")
	assert.Contains(t, out.String(), "trace: a dump is still being written", "a second T while writing")
	assert.Contains(t, out.String(), "trace: key T wrote "+name)
	st, err := os.Stat(name)
	require.NoError(t, err)
	assert.Positive(t, st.Size())

	// The same second again: the file is not overwritten, and the new
	// dump gets a numbered name, as a second F12 does.
	f.dump(now, "key T")
	waitDump(f)
	again := filepath.Join(f.dir, "boids-trace-20261126-123005-2.out")
	assert.Contains(t, out.String(), "trace: key T wrote "+again)
	assert.FileExists(t, again)
	if testing.Short() {
		return
	}
	// The dump is a trace go tool trace reads.
	cmd := exec.Command("go", "tool", "trace", "-pprof=sched", name)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "go tool trace: %s", b)
}

func TestFlightOffAndUnwritable(t *testing.T) {
	f, out := newTestFlight(t, false, 3)
	f.dump(time.Now(), "key T")
	assert.Contains(t, out.String(), "trace: the flight recorder is off")
	f.set(true)
	f.dir = filepath.Join(f.dir, "missing")
	f.dump(time.Now(), "key T")
	waitDump(f)
	assert.Contains(t, out.String(), "no such file or directory")
	assert.Equal(t, 1, strings.Count(out.String(), "trace: cannot write"), "one line for the failure")
	f.set(false)
	assert.Contains(t, out.String(), "flight recorder: off")
}

// TestFlightSpikes feeds frame intervals and tick statistics: a frame or
// tick over spike times the recent p99 writes one dump, and no second one
// within spikeGap.
func TestFlightSpikes(t *testing.T) {
	f, out := newTestFlight(t, true, 4)
	now := time.Now()
	for i := range flightFrames {
		f.frame(16*time.Millisecond+time.Duration(i%5)*time.Millisecond, now)
	}
	f.frame(60*time.Millisecond, now)
	waitDump(f)
	assert.Zero(t, strings.Count(out.String(), "wrote"), "60 ms is under 4x the p99 of 20 ms")
	f.frame(100*time.Millisecond, now)
	waitDump(f)
	assert.Equal(t, 1, strings.Count(out.String(), "frame spike"), "100 ms is over 4x 20 ms")

	snap := &boids.Snapshot{}
	tick := func(window, p99, max time.Duration) {
		snap.Stats = boids.TickStats{Ticks: 60, Window: window, Total: boids.Quantiles{P99: p99, Max: max}}
		f.ticks(snap, now)
		waitDump(f)
	}
	tick(time.Second, 10*time.Millisecond, 12*time.Millisecond)
	tick(time.Second+1, 10*time.Millisecond, 50*time.Millisecond)
	assert.Zero(t, strings.Count(out.String(), "tick spike"), "within 10 s of the frame spike")
	now = now.Add(spikeGap)
	tick(time.Second+2, 10*time.Millisecond, 50*time.Millisecond)
	assert.Equal(t, 1, strings.Count(out.String(), "tick spike"), "a tick of 50 ms after a p99 of 10 ms")
}
