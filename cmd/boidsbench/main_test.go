package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/boids-project/boids/boids"
)

// asCommand, in the environment, makes the test binary run as boidsbench
// with these arguments (one per line), so that a test can send it signals.
const asCommand = "BOIDSBENCH_TEST_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(asCommand); ok {
		os.Args = append([]string{"boidsbench"}, strings.Split(args, "\n")...)
		main()
	}
	goleak.VerifyTestMain(m)
}

func TestParseCounts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		err  string
	}{
		{"1000,5000,10000", []int{1000, 5000, 10000}, ""},
		{" 5 , 6 ", []int{5, 6}, ""},
		{"2,2,1", nil, `-boids: "2" given twice: list each value once`},
		{"5,05", nil, `-boids: "05" given twice`},
		{"0", nil, `-boids: "0": want whole numbers 1..100000`},
		{"100001", nil, `"100001"`},
		{"", nil, `""`},
		{"1,,2", nil, `""`},
		{"ten", nil, `"ten"`},
		{"-3", nil, `"-3"`},
	} {
		got, err := parseCounts("boids", tc.in, 1, boids.MaxBoids)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestParseStrategies(t *testing.T) {
	all := append(boids.DesignNames(), boids.Sequential, boids.Workers)
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{"all", all, ""},
		{"MUTEX, workers", []string{"mutex", "workers"}, ""},
		{"sequential,all", nil, `-strategies: "sequential" given twice ("all" includes it): list each value once`},
		{"all,mutex", nil, `-strategies: "mutex" given twice ("all" includes it)`},
		{"all,all", nil, `-strategies: "all" given twice`},
		{"mutex,MUTEX", nil, `-strategies: "mutex" given twice: list each value once`},
		{"foo", nil, `-strategies: unknown "foo": allowed ` + strings.Join(all, ", ") + ", all"},
		{"mutex,", nil, `unknown ""`},
	} {
		got, err := parseStrategies(tc.in)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestBadFlagsAreOneLineAndStatus2(t *testing.T) {
	for _, args := range [][]string{
		{"-boids", "0"},
		{"-strategies", "foo"},
		{"-procs", "0"},
		{"-ticks", "0"},
		{"-modes", "lockstep"},
		{"-rate", "0"},
		{"-shards", "0"},
		{"-shards", "65"},
		{"extra"},
		{"-ticks", "abc"},
		{"-ticks", "1e9"},
		{"-ticks", "+5"},
		{"-seed", "-1"},
		{"-q=maybe"},
		{"-foo"},
		{"-boids", "+5"},
		{"-strategies", strings.Repeat("x", 100000)},
		{"-csv", "/nonexistent/x.csv"},
		{"-csv", "/etc/passwd/x.csv"},
		{"-csv", "b.out", "-json", "b.out"},
		{"-json", "b.out", "-png", "./b.out"},
		{"-png", os.TempDir()},
		{"-strategies", "sequential,workers", "-modes", "free"},
		{"-boids", "5,5"},
		{"-strategies", "all,mutex"},
		{"-procs", "1,1"},
		{"-modes", "free,free"},
	} {
		// Cancelled: a case that got past the flags would otherwise measure
		// the default sizes for minutes before failing; this way it ends at
		// once, interrupted, and fails here.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out, errb bytes.Buffer
		code := run(ctx, args, &out, &errb)
		assert.Equal(t, exitUsage, code, args)
		assert.Empty(t, out.String(), args)
		msg := errb.String()
		assert.Equal(t, 1, strings.Count(msg, "\n"), "%v: %q", args, msg)
		assert.True(t, strings.HasPrefix(msg, "boidsbench: "), "%v: %q", args, msg)
		assert.Less(t, len(msg), 300, "%v: %.300q", args, msg)
	}
	assert.NoFileExists(t, "b.out")
}

func TestHelpIsUsageAndStatus0(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, 0, run(context.Background(), []string{"-h"}, &out, &errb))
	assert.True(t, strings.HasPrefix(errb.String(), "usage: boidsbench [flags]\n"), errb.String())
	assert.Contains(t, errb.String(), "-ticks N")
	assert.Empty(t, out.String())
}

func TestPercentile(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{50, 5}, {99, 10}, {100, 10}, {10, 1}, {0, 1}, {90, 9}} {
		assert.Equal(t, tc.want, Percentile(ds, tc.q), "p%v", tc.q)
	}
	assert.Equal(t, time.Duration(5), ds[0], "input left unsorted")
	assert.Zero(t, Percentile(nil, 50))
}

// row makes a measured row running at tps ticks per second.
func row(s string, n, procs int, tps float64) Row {
	return Row{
		Combo: Combo{s, n, procs, boids.Ticked}, Ticks: 100,
		Elapsed:   time.Duration(100 / tps * float64(time.Second)),
		TickP50:   time.Duration(1 / tps * float64(time.Second)),
		TickP99:   time.Duration(2 / tps * float64(time.Second)),
		Contended: math.NaN(), Speedup: math.NaN(), Parallel: math.NaN(),
		MemPerBoid: 3000, Candidates: 80, Neighbours: 40,
	}
}

func testRows() []Row {
	rows := []Row{
		row("mutex", 1000, 1, 100), row("mutex", 1000, 2, 150),
		row("sequential", 1000, 1, 400), row("sequential", 1000, 2, 400),
		row("workers", 1000, 2, 800),
	}
	rows[1].Contended = 0.25
	rows[1].RTTMean = 1500 * time.Nanosecond
	Amdahl(rows)
	return rows
}

func TestAmdahl(t *testing.T) {
	rows := testRows()
	assert.True(t, math.IsNaN(rows[0].Speedup), "base row has nothing to compare with")
	assert.InDelta(t, 1.5, rows[1].Speedup, 1e-6)
	assert.InDelta(t, 2.0/3, rows[1].Parallel, 1e-6, "S=1.5 on 2 cores: p=(1-1/1.5)/(1-1/2)")
	assert.InDelta(t, 1.0, rows[3].Speedup, 1e-9)
	assert.InDelta(t, 0.0, rows[3].Parallel, 1e-9)
	assert.True(t, math.IsNaN(rows[4].Speedup), "workers measured at one GOMAXPROCS only")
}

func TestTable(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteTable(&b, []string{"first", "second"}, testRows()))
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	require.Len(t, lines, 2+1+5)
	assert.Equal(t, "# first", lines[0])
	head := strings.Fields(lines[2])
	assert.Equal(t, []string{"strategy", "mode", "boids", "procs", "ticks/s", "p50", "p99", "ns/boid-tick", "cpu", "ns/update", "cand/boid", "nbrs/boid", "ns/nbr", "x", "seq", "x", "workers"}, head[:17])
	for _, l := range lines[3:] {
		assert.Equal(t, utf8.RuneCountInString(lines[2]), utf8.RuneCountInString(l), "aligned: %q", l)
	}
	mutex2 := strings.Fields(lines[4])
	assert.Equal(t, []string{"mutex", "ticked", "1000", "2", "150.0", "6.67ms", "13.33ms", "6667", "0", "80.0", "40.0", "166.7", "2.67x", "5.33x", "150.0k"}, mutex2[:15])
	assert.Contains(t, lines[4], "25.0%")
	assert.Contains(t, lines[4], "1.5µs")
	assert.Contains(t, lines[4], "2.93KiB")
	assert.Contains(t, lines[4], "1.50x")
	assert.Contains(t, lines[4], "0.67")
	mutex1 := strings.Fields(lines[3])
	assert.Equal(t, "-", mutex1[13], "no workers row at GOMAXPROCS 1")
}

func TestCSV(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, testRows()))
	recs, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 6)
	head := recs[0]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, head)
		return -1
	}
	m := recs[2]
	assert.Equal(t, "mutex", m[col("strategy")])
	assert.Equal(t, "2", m[col("gomaxprocs")])
	assert.Equal(t, "150", m[col("ticks_per_s")])
	assert.Equal(t, "0.25", m[col("contended_share")])
	assert.Equal(t, "1500", m[col("rtt_mean_ns")])
	assert.Equal(t, "1.5", m[col("speedup")])
	assert.Equal(t, "", recs[1][col("speedup")], "not applicable is empty")
	assert.Equal(t, "", recs[1][col("rtt_mean_ns")])
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, map[string]any{"seed": 1}, testRows()))
	var doc struct {
		Meta map[string]any
		Rows []map[string]any
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc), b.String())
	assert.Equal(t, 1.0, doc.Meta["seed"])
	require.Len(t, doc.Rows, 5)
	assert.Equal(t, "mutex", doc.Rows[1]["strategy"])
	assert.InDelta(t, 150, doc.Rows[1]["ticks_per_s"], 1e-6)
	assert.InDelta(t, 1.5, doc.Rows[1]["speedup"], 1e-6)
	assert.Contains(t, doc.Rows[0], "speedup")
	assert.Nil(t, doc.Rows[0]["speedup"], "not applicable is null")
}

func TestMeasure(t *testing.T) {
	r := Run{Ticks: 5, Warmup: 2, Seed: 1}
	for _, s := range append(boids.DesignNames(), boids.BaselineNames()...) {
		row, err := r.Measure(context.Background(), Combo{s, 200, 2, boids.Ticked})
		require.NoError(t, err, s)
		assert.Equal(t, 5, row.Ticks, s)
		assert.Greater(t, row.TicksPerSec(), 0.0, s)
		assert.LessOrEqual(t, row.TickP50, row.TickP99, s)
		// 200 boids are within the heap's own noise (stacks of the previous
		// flock freed by the GC in between): runs measured -32 and -659
		// bytes per boid for workers. Large flocks measure kilobytes; here
		// the figure need only be a number.
		assert.False(t, math.IsNaN(row.MemPerBoid) || math.IsInf(row.MemPerBoid, 0), s)
	}
	row, err := r.Measure(context.Background(), Combo{"mutex", 200, 1, boids.Ticked})
	require.NoError(t, err)
	assert.Equal(t, uint64(5*200), row.Counters.Reads, "one query per boid per timed tick")
	// On one P a boid waits only when the scheduler preempts the lock's
	// holder (every 10 ms of running, more often on a loaded machine), so
	// contention is rare but not always zero: at most one wait per other
	// boid in that tick.
	assert.Less(t, row.Contended, 0.25, "little contends on one P")
}

func TestMeasureStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var seen int
	r := Run{Ticks: 1000, Warmup: 0, Progress: func(Combo, int, int) {
		seen++
		cancel()
	}}
	_, err := r.Measure(ctx, Combo{"mutex", 100, 1, boids.Ticked})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, seen)
}

func TestRunWritesEveryOutput(t *testing.T) {
	dir := t.TempDir()
	csvF, jsonF, pngF := filepath.Join(dir, "a.csv"), filepath.Join(dir, "a.json"), filepath.Join(dir, "a.png")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"-boids", "100,200", "-strategies", "all", "-procs", "1,2",
		"-ticks", "3", "-warmup", "1", "-q", "-csv", csvF, "-json", jsonF, "-png", pngF}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	assert.Empty(t, errb.String(), "-q is silent")
	// Designs ticked and, those that run free, free too; baselines ticked
	// only.
	free := 0
	for _, d := range boids.Designs() {
		if d.Free {
			free++
		}
	}
	rows := (len(boids.DesignNames()) + free + len(boids.BaselineNames())) * 2 * 2
	assert.Equal(t, 10+1+rows, strings.Count(out.String(), "\n"))
	assert.Contains(t, out.String(), " free ")
	for _, f := range []string{csvF, jsonF} {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.NotEmpty(t, b)
	}
	f, err := os.Open(pngF)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	assert.Greater(t, img.Bounds().Dx(), 500)
}

// failWriter is a stdout that fails, as a pipe closed early does.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestRunWritesEveryOutputItCan: an output that fails at the end (a full
// disk, a stdout closed early) is one line and status 1, and every other
// output is still written. Before, the first failure returned: a full
// disk under -csv lost the JSON and the chart, a closed stdout all three.
func TestRunWritesEveryOutputItCan(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full to fail a write")
	}
	dir := t.TempDir()
	jsonF, pngF := filepath.Join(dir, "a.json"), filepath.Join(dir, "a.png")
	var errb bytes.Buffer
	code := run(context.Background(), []string{"-boids", "50", "-strategies", "mutex", "-procs", "1", "-modes", "ticked",
		"-ticks", "3", "-warmup", "0", "-q", "-csv", "/dev/full", "-json", jsonF, "-png", pngF}, failWriter{}, &errb)
	assert.Equal(t, exitFail, code)
	assert.Equal(t, "boidsbench: -csv \"/dev/full\": no space left on device\nboidsbench: the table: broken pipe\n", errb.String())
	assert.FileExists(t, jsonF)
	assert.FileExists(t, pngF)
}

func TestRunInterruptedPrintsFinishedRows(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"-boids", "100", "-ticks", "3"}, &out, &errb)
	assert.Equal(t, exitInt, code)
	assert.Contains(t, errb.String(), "interrupted after 0 of")
	assert.Contains(t, out.String(), "strategy")
}

// TestSignalPrintsFinishedRows: SIGINT (Ctrl-C) and SIGTERM (timeout,
// kill) in the middle of a row end the run with the rows finished before
// it, printed and written, and the shell's status for the signal. Before,
// SIGTERM killed the run and every finished row was lost.
func TestSignalPrintsFinishedRows(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, exitInt}, {syscall.SIGTERM, exitTerm}} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			csvF := filepath.Join(t.TempDir(), "rows.csv")
			// A ticked row of a few ticks, then a free one paced at one
			// update a second that would last ten minutes.
			args := []string{"-boids", "50", "-strategies", "mutex", "-procs", "1", "-modes", "ticked,free",
				"-rate", "1", "-warmup", "0", "-ticks", "600", "-csv", csvF}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), asCommand+"="+strings.Join(args, "\n"))
			var stdout bytes.Buffer
			cmd.Stdout = &stdout
			stderr, err := cmd.StderrPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())

			// The progress line names the second row once it has begun: the
			// first is finished and the handlers are installed.
			var progress bytes.Buffer
			buf := make([]byte, 4096)
			for !strings.Contains(progress.String(), "[2/2]") {
				n, err := stderr.Read(buf)
				require.NoError(t, err, "stderr so far: %q", progress.String())
				progress.Write(buf[:n])
			}
			require.NoError(t, cmd.Process.Signal(tt.sig))
			rest, err := io.ReadAll(stderr)
			require.NoError(t, err)
			progress.Write(rest)
			err = cmd.Wait()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, "stderr: %q", progress.String())
			assert.Equal(t, tt.code, exit.ExitCode(), "stderr: %q", progress.String())
			assert.Contains(t, progress.String(), "boidsbench: interrupted after 1 of 2 combinations")
			assert.Regexp(t, `(?m)^ +mutex +ticked +50 +1 `, stdout.String(), "the finished row is printed")
			b, err := os.ReadFile(csvF)
			require.NoError(t, err)
			assert.Equal(t, 2, strings.Count(string(b), "\n"), "the header and the finished row:\n%s", b)
		})
	}
}

func TestNoEbiten(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	require.True(t, ok)
	for _, d := range bi.Deps {
		assert.NotContains(t, d.Path, "ebiten", "the laboratory must build without a display")
	}
}

// warmedOnce: a second WarmGoroutines in one process (go test -count 2)
// reuses the first one's descriptors and measures nothing.
var warmedOnce bool

func TestWarmGoroutines(t *testing.T) {
	if warmedOnce {
		t.Skip("descriptors already made by an earlier run in this process")
	}
	warmedOnce = true
	g := WarmGoroutines(5000)
	// A runtime.g is a few hundred bytes; a measurement that counted
	// stacks or nothing at all would fall outside.
	assert.Greater(t, g, 200.0)
	assert.Less(t, g, 1500.0)
	t.Logf("goroutine descriptor: %.0f B", g)
}

// An output under a file, or through a broken link, says so (the check is
// cli's, shared with boids).
func TestOutputPathsSayWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	dangling := filepath.Join(dir, "dangling.csv")
	require.NoError(t, os.Symlink(filepath.Join(dir, "nowhere"), dangling))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-csv", filepath.Join(file, "x.csv")}, file + " is not a folder"},
		{[]string{"-json", dangling}, "is a broken symbolic link"},
	} {
		var out, errb bytes.Buffer
		assert.Equal(t, exitUsage, run(context.Background(), tc.args, &out, &errb), tc.args)
		assert.Contains(t, errb.String(), tc.want)
	}
}
