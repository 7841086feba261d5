// Command boidsbench is the headless laboratory: it runs the game's flock
// (boids.Flock, one goroutine per boid) under every synchronization design,
// next to two baselines that use the same rules and kernel without a goroutine
// per boid, at several flock sizes and GOMAXPROCS values, and prints what
// each combination costs.
//
//	go run ./cmd/boidsbench -boids 1000,5000,10000,20000 -strategies all -procs 1,2 -ticks 600 -seed 1
//
// Every world is boids.BenchParams(n): its area grows with the flock, so a
// boid has as many neighbours at any size (about 10 at the random start,
// about 45 once the flock has gathered).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/cli"
)

func main() {
	// Ctrl-C and SIGTERM (timeout's, kill's) both end the run with the rows
	// finished so far; which one came sets the exit status.
	intr, stopInt := signal.NotifyContext(context.Background(), os.Interrupt)
	ctx, stopTerm := signal.NotifyContext(intr, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if code == exitInt && intr.Err() == nil {
		code = exitTerm
	}
	stopTerm()
	stopInt()
	os.Exit(code)
}

// Exit statuses besides 0.
const (
	exitFail  = 1   // an output could not be written
	exitUsage = 2   // bad flags
	exitInt   = 130 // interrupted (SIGINT): the rows finished so far were printed
	exitTerm  = 143 // the same after SIGTERM
)

type options struct {
	strategies []string
	sizes      []int
	procs      []int
	modes      []boids.Mode
	run        Run
	csv, json  string
	png        string
	quiet      bool
}

// Limits of -ticks and -warmup: a million ticks of the smallest flock
// already take minutes.
const maxTicks = 1_000_000

func usage(w io.Writer, fs *cli.FlagSet) {
	fmt.Fprint(w, `usage: boidsbench [flags]

Runs the game's flock (one goroutine per boid) under each design, and the
sequential and workers baselines (same rules and kernel, no goroutine per
boid), for every flock size and GOMAXPROCS listed, and prints one table row
each. Worlds have constant density (boids.BenchParams: about 10 neighbours
per boid at the random start, about 45 once the flock has gathered).
Ctrl-C prints the rows finished so far.

`)
	fs.PrintDefaults(w)
}

// parseFlags reads the command line; -h prints the usage to stderr and
// returns flag.ErrHelp, and every other error is one line, the outputs
// included: they are checked (distinct, writable) before any measuring.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := cli.NewFlagSet("boidsbench")
	o := options{run: Run{Ticks: 600, Warmup: 100, Seed: 1, Shards: boids.DefaultShards}}
	sizes := fs.String("boids", "1000,5000,10000", "flock sizes, comma-separated (world area grows with the flock: boids.BenchParams)")
	strategies := fs.String("strategies", "all", "designs and baselines, comma-separated: "+strings.Join(strategyNames(), ", ")+", or all")
	procs := fs.String("procs", fmt.Sprintf("1,%d", runtime.NumCPU()), "GOMAXPROCS values, comma-separated")
	modes := fs.String("modes", "ticked,free", "regimes, comma-separated: ticked (lock-step), free (every boid on its own, paced at -rate)")
	rate := 60
	fs.Int(&rate, 1, boids.MaxTPS, "rate", fmt.Sprintf("free rows: target updates per boid per second, `N` in 1..%d; they run as long as -warmup and -ticks ticks at that rate", boids.MaxTPS))
	fs.Int(&o.run.Ticks, 1, maxTicks, "ticks", fmt.Sprintf("timed ticks per combination, `N` in 1..%d", maxTicks))
	fs.Int(&o.run.Warmup, 0, maxTicks, "warmup", fmt.Sprintf("untimed ticks before timing, `N` in 0..%d", maxTicks))
	fs.Uint64(&o.run.Seed, "seed", "seed `N` of the starting flock")
	fs.Int(&o.run.Shards, 1, boids.MaxShards, "shards", fmt.Sprintf("bands of the sharded and actors designs, `N` in 1..%d", boids.MaxShards))
	fs.File(&o.csv, "csv", "also write the rows as CSV to `file`")
	fs.File(&o.json, "json", "also write the rows as JSON to `file`")
	fs.File(&o.png, "png", "also draw ticks/s against boids to `file` (PNG)")
	fs.Bool(&o.quiet, "q", "no progress line on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stderr, fs)
		}
		return o, err
	}
	var err error
	if o.sizes, err = parseCounts("boids", *sizes, 1, boids.MaxBoids); err != nil {
		return o, err
	}
	if o.strategies, err = parseStrategies(*strategies); err != nil {
		return o, err
	}
	if o.procs, err = parseCounts("procs", *procs, 1, 1024); err != nil {
		return o, err
	}
	if o.modes, err = parseModes(*modes); err != nil {
		return o, err
	}
	o.run.Rate = float64(rate)
	if len(Combos(o.strategies, o.sizes, o.procs, o.modes)) == 0 {
		return o, fmt.Errorf("-modes %s: no row to run: %s run ticked only", *modes, strings.Join(boids.BaselineNames(), " and "))
	}
	return o, cli.CheckOutputs([]cli.Output{{Flag: "csv", Path: o.csv}, {Flag: "json", Path: o.json}, {Flag: "png", Path: o.png}})
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "boidsbench:", err)
		return exitUsage
	}
	combos := Combos(o.strategies, o.sizes, o.procs, o.modes)
	o.run.GoroutineBytes = WarmGoroutines(slices.Max(o.sizes) + slices.Max(o.procs))
	var rows []Row
	if !o.quiet {
		o.run.Progress = func(c Combo, done, total int) {
			fmt.Fprintf(stderr, "\r\033[K[%d/%d] %s: tick %d/%d", len(rows)+1, len(combos), c, done, total)
		}
	}
	code := 0
	for _, c := range combos {
		row, err := o.run.Measure(ctx, c)
		if err != nil {
			if ctx.Err() != nil {
				code = exitInt
				break
			}
			fmt.Fprintf(stderr, "\nboidsbench: %s: %v\n", c, err)
			return exitFail
		}
		rows = append(rows, row)
	}
	if !o.quiet || code == exitInt {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if code == exitInt {
		fmt.Fprintf(stderr, "boidsbench: interrupted after %d of %d combinations\n", len(rows), len(combos))
	}
	Amdahl(rows)
	if errs := output(o, rows, stdout); len(errs) > 0 {
		for _, err := range errs {
			fmt.Fprintln(stderr, "boidsbench:", err)
		}
		return exitFail
	}
	return code
}

// output writes the rows everywhere asked: the files first, then the
// table, so that a stdout that fails (a pipe closed early ends the
// process) costs no file; and one output that fails keeps none of the
// others from being written. It returns one error per output that failed.
func output(o options, rows []Row, stdout io.Writer) []error {
	var errs []error
	fail := func(flag, name string, err error) {
		errs = append(errs, fmt.Errorf("-%s %s: %w", flag, cli.Quote(name), cli.PathCause(err)))
	}
	if o.csv != "" {
		if err := writeFile(o.csv, func(w io.Writer) error { return WriteCSV(w, rows) }); err != nil {
			fail("csv", o.csv, err)
		}
	}
	if o.json != "" {
		meta := map[string]any{
			"date": time.Now().UTC().Format(time.RFC3339), "go": runtime.Version(),
			"cpu": cpuModel(), "num_cpu": runtime.NumCPU(),
			"ticks": o.run.Ticks, "warmup": o.run.Warmup, "seed": o.run.Seed, "rate": o.run.Rate,
			"world": fmt.Sprintf("boids.BenchParams(n): %d px² per boid", boids.BenchArea),
		}
		if err := writeFile(o.json, func(w io.Writer) error { return WriteJSON(w, meta, rows) }); err != nil {
			fail("json", o.json, err)
		}
	}
	if o.png != "" && len(rows) > 0 {
		title := fmt.Sprintf("boids: ticks/s by design (%s, %d ticks)", cpuModel(), o.run.Ticks)
		if err := SaveChart(rows, title, o.png); err != nil {
			fail("png", o.png, err)
		}
	}
	if err := WriteTable(stdout, header(o), rows); err != nil {
		errs = append(errs, fmt.Errorf("the table: %w", cli.PathCause(err)))
	}
	return errs
}

func header(o options) []string {
	return []string{
		fmt.Sprintf("boidsbench %s, %s %s/%s, CPU %s (%d logical)", time.Now().UTC().Format("2006-01-02 15:04 MST"),
			runtime.Version(), runtime.GOOS, runtime.GOARCH, cpuModel(), runtime.NumCPU()),
		fmt.Sprintf("world boids.BenchParams(n): %d px² per boid; seed %d; %d warm-up then %d timed ticks per row; sharded and actors in %d bands",
			boids.BenchArea, o.run.Seed, o.run.Warmup, o.run.Ticks, o.run.Shards),
		"ns/boid-tick: wall time per boid update; cpu ns/update: the process's CPU time (user + system, getrusage) per update",
		"cand/boid, nbrs/boid: the kernel's candidates examined and neighbours found per query, on the flock the row left (boids.KernelWork, the same kernel every design scans); ns/nbr: ns/boid-tick over nbrs/boid",
		"x seq, x workers: ns/boid-tick over that baseline's at the same size and GOMAXPROCS (lower is better)",
		"speed-up: over the same row at the smallest GOMAXPROCS; parallel p = (1-1/S)/(1-1/N) (Amdahl)",
		"lock wait: runtime/metrics /sync/mutex/wait/total:seconds per tick, summed over waiting goroutines (sampled; runtime-internal locks too); contended, CAS retries: the design's counters",
		fmt.Sprintf("free rows: each boid loops on its own, paced at %g updates/s, for as long as the ticks would take at that rate; ticks/s is each boid's mean update rate, per-tick figures are per as many updates as boids", o.run.Rate),
		"Jain: Jain's fairness index of the boids' update rates (1 = equal); gap: each boid's longest wait between two updates, p99 and max over boids; age p99: 99th percentile age of the frame a query read (lockfree)",
		"rtt mean: mean of the channel round trips the design times (one query in 16; their distribution, Counters.RTTHist, is in the game's overlay); mem/boid: growth of heap + goroutine stacks after GC, plus goroutine descriptors, over boids",
	}
}

func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// cpuModel is the first model name in /proc/cpuinfo, or GOARCH elsewhere.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
