package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/boids-project/boids/boids"
)

// maxProcs bounds -procs: more than the machine's cores is allowed, to
// study oversubscription.
const maxProcs = 256

// Parse turns the command line of the command called name into options;
// flags not given keep their value in def, but a Procs of 0 becomes the
// current GOMAXPROCS. A bad value gives an error of one line naming the
// flag and what it allows; -h prints the flags with their defaults to
// stderr and returns flag.ErrHelp.
func Parse(name string, args []string, stderr io.Writer, def Options) (Options, error) {
	o := def
	if o.Procs == 0 {
		o.Procs = runtime.GOMAXPROCS(0)
	}
	tps := int(o.TPS)
	cycle := int(o.Cycle / time.Second)
	size := sizeValue{&o.Width, &o.Height}

	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&intValue{&o.Boids, 1, boids.MaxBoids}, "boids", fmt.Sprintf("number of boids, `N` in 1..%d", boids.MaxBoids))
	fs.Var(strategyValue{&o.Strategy}, "strategy", "synchronization design `NAME`: "+strings.Join(boids.DesignNames(), ", "))
	fs.Var(seedValue{&o.Seed}, "seed", "random seed `N` (default from the clock; the seed in use is printed at start)")
	fs.Var(&intValue{&tps, 1, boids.MaxTPS}, "tps", fmt.Sprintf("simulation ticks per second, `N` in 1..%d", boids.MaxTPS))
	fs.Var(&intValue{&o.Procs, 1, maxProcs}, "procs", fmt.Sprintf("GOMAXPROCS, `N` in 1..%d", maxProcs))
	fs.Var(size, "size", fmt.Sprintf("world and initial window size `WxH`, each side %d..%d", boids.MinWorld, boids.MaxWorld))
	fs.Var(edgesValue{&o.Edges}, "edges", "what the world's border does: `wrap|bounce`")
	fs.Var(&intValue{&o.Frames, 0, 1 << 30}, "frames", "exit after `N` frames; 0 runs until the window is closed or Ctrl-C")
	fs.Var(shotValue{&o.Screenshot}, "screenshot", "save the last frame to `FILE.png` and exit (after 120 frames without -frames)")
	fs.BoolVar(&o.Overlay, "overlay", o.Overlay, "show the metrics overlay at start (M toggles it)")
	fs.BoolVar(&o.Panel, "panel", o.Panel, "open the control panel at start (P toggles it)")
	fs.Var(&intValue{&cycle, 0, 3600}, "cycle", "switch to the next design every `N` seconds; 0 never does")
	fs.Var(fileValue{&o.MetricsCSV}, "metrics-csv", "write the overlay's figures to `FILE`, one row per second")
	fs.Var(fileValue{&o.Profiles.CPU}, "cpuprofile", "write a CPU profile to `FILE` (go tool pprof)")
	fs.Var(fileValue{&o.Profiles.Trace}, "trace", "write an execution trace to `FILE` (go tool trace)")
	fs.Var(fileValue{&o.Profiles.Mutex}, "mutexprofile", "write a mutex contention profile to `FILE` at exit")
	fs.Var(fileValue{&o.Profiles.Block}, "blockprofile", "write a blocking profile (mutexes and channels) to `FILE` at exit")
	// The partitioned designs and the flight recorder (issue 11).
	fs.Var(&intValue{&o.Shards, 1, boids.MaxShards}, "shards", fmt.Sprintf("parts the sharded and actors designs split the map into, `N` in 1..%d (at most one per row of cells)", boids.MaxShards))
	fs.BoolVar(&o.Flight, "flight", o.Flight, "keep the last seconds of execution trace in memory (T writes them to boids-trace-*.out)")
	fs.Var(&floatValue{&o.FlightSpike, 0, 1000}, "flight-spike", "with -flight, write a trace when a tick or frame takes more than `N` times the recent p99 (0: never)")

	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintf(stderr, "Usage: %s [flags]\n", name)
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return o, err
		}
		if strings.HasPrefix(err.Error(), "flag provided but not defined") {
			return o, fmt.Errorf("%v (see -h for the flags)", err)
		}
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q: only flags are accepted (see -h)", fs.Arg(0))
	}
	o.TPS = float64(tps)
	o.Cycle = time.Duration(cycle) * time.Second
	if o.Screenshot != "" && o.Frames == 0 {
		o.Frames = 120
	}
	return o, nil
}

// intValue is an integer flag limited to lo..hi.
type intValue struct {
	p      *int
	lo, hi int
}

func (v *intValue) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.Itoa(*v.p)
}

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < v.lo || n > v.hi {
		return fmt.Errorf("allowed a whole number %d..%d", v.lo, v.hi)
	}
	*v.p = n
	return nil
}

// floatValue is a number flag limited to lo..hi.
type floatValue struct {
	p      *float64
	lo, hi float64
}

func (v *floatValue) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.FormatFloat(*v.p, 'g', -1, 64)
}

func (v *floatValue) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= v.lo && f <= v.hi) {
		return fmt.Errorf("allowed a number %g..%g", v.lo, v.hi)
	}
	*v.p = f
	return nil
}

type seedValue struct{ p *uint64 }

func (v seedValue) String() string { return "" }

func (v seedValue) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("allowed a whole number 0..%d", uint64(1<<64-1))
	}
	*v.p = n
	return nil
}

type strategyValue struct{ p *string }

func (v strategyValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v strategyValue) Set(s string) error {
	names := boids.DesignNames()
	i := slices.Index(names, strings.ToLower(s))
	if i < 0 {
		return fmt.Errorf("allowed %s", strings.Join(names, ", "))
	}
	*v.p = names[i]
	return nil
}

type sizeValue struct{ w, h *int }

func (v sizeValue) String() string {
	if v.w == nil {
		return ""
	}
	return fmt.Sprintf("%dx%d", *v.w, *v.h)
}

func (v sizeValue) Set(s string) error {
	ws, hs, ok := strings.Cut(strings.ToLower(s), "x")
	w, errW := strconv.Atoi(ws)
	h, errH := strconv.Atoi(hs)
	if !ok || errW != nil || errH != nil ||
		w < boids.MinWorld || w > boids.MaxWorld || h < boids.MinWorld || h > boids.MaxWorld {
		return fmt.Errorf("allowed WxH with each side %d..%d, e.g. 1280x720", boids.MinWorld, boids.MaxWorld)
	}
	*v.w, *v.h = w, h
	return nil
}

type edgesValue struct{ p *boids.Edges }

func (v edgesValue) String() string {
	if v.p == nil {
		return ""
	}
	return v.p.String()
}

func (v edgesValue) Set(s string) error {
	e, err := boids.ParseEdges(s)
	if err != nil {
		return fmt.Errorf("allowed wrap, bounce")
	}
	*v.p = e
	return nil
}

type shotValue struct{ p *string }

func (v shotValue) String() string { return "" }

func (v shotValue) Set(s string) error {
	if !strings.EqualFold(filepath.Ext(s), ".png") || filepath.Base(s) == filepath.Ext(s) {
		return fmt.Errorf("allowed a file name ending in .png")
	}
	if dir, err := os.Stat(filepath.Dir(s)); err != nil || !dir.IsDir() {
		return fmt.Errorf("folder %s does not exist", filepath.Dir(s))
	}
	*v.p = s
	return nil
}

// fileValue is an output file whose folder must exist.
type fileValue struct{ p *string }

func (v fileValue) String() string { return "" }

func (v fileValue) Set(s string) error {
	if s == "" || strings.HasSuffix(s, string(filepath.Separator)) {
		return fmt.Errorf("allowed a file name")
	}
	if dir, err := os.Stat(filepath.Dir(s)); err != nil || !dir.IsDir() {
		return fmt.Errorf("folder %s does not exist", filepath.Dir(s))
	}
	*v.p = s
	return nil
}
