package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
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

	fs := NewFlagSet(name)
	fs.Int(&o.Boids, 1, boids.MaxBoids, "boids", fmt.Sprintf("number of boids, `N` in 1..%d", boids.MaxBoids))
	fs.Var(strategyValue{&o.Strategy}, "strategy", "synchronization design `NAME`: "+strings.Join(boids.DesignNames(), ", "))
	fs.Var(seedValue{uint64Value{&o.Seed}}, "seed", "random seed `N` (default from the clock; the seed in use is printed at start)")
	fs.Int(&tps, 1, boids.MaxTPS, "tps", fmt.Sprintf("simulation ticks per second, `N` in 1..%d", boids.MaxTPS))
	fs.Int(&o.Procs, 1, maxProcs, "procs", fmt.Sprintf("GOMAXPROCS, `N` in 1..%d", maxProcs))
	fs.Var(size, "size", fmt.Sprintf("world and initial window size `WxH`, each side %d..%d", boids.MinWorld, boids.MaxWorld))
	fs.Var(edgesValue{&o.Edges}, "edges", "what the world's border does: `wrap|bounce`")
	fs.Int(&o.Frames, 0, 1<<30, "frames", "exit after `N` frames; 0 runs until the window is closed or Ctrl-C")
	fs.Var(shotValue{&o.Screenshot}, "screenshot", "save the last frame to `FILE.png` and exit (after 120 frames without -frames)")
	fs.Bool(&o.Overlay, "overlay", "show the metrics overlay at start (M toggles it)")
	fs.Bool(&o.Panel, "panel", "open the control panel at start (P toggles it)")
	fs.Int(&cycle, 0, 3600, "cycle", "switch to the next design every `N` seconds; 0 never does")
	for _, out := range o.outputs() {
		if out.flag != "screenshot" {
			fs.File(out.path, out.flag, out.usage)
		}
	}

	// The free-running regime.
	fs.Var(modeValue{&o.Mode}, "mode", "regime `ticked|free`: lock-step ticks, or every boid on its own at -tps updates/s (F switches)")
	fs.Var(colourValue{&o.Colour}, "colour", "what the boids' colour shows: `"+strings.Join(Colours, "|")+"` (C cycles)")

	// The partitioned designs and the flight recorder.
	fs.Int(&o.Shards, 1, boids.MaxShards, "shards", fmt.Sprintf("parts the sharded and actors designs split the map into, `N` in 1..%d (at most one per row of cells)", boids.MaxShards))
	fs.Bool(&o.Flight, "flight", "keep the last seconds of execution trace in memory (T writes them to boids-trace-*.out)")
	fs.Var(&floatValue{&o.FlightSpike, 0, 1000}, "flight-spike", "with -flight, write a trace when a tick or frame takes more than `N` times the recent p99 (0: never)")

	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintf(stderr, "Usage: %s [flags]\n", name)
			fs.PrintDefaults(stderr)
		}
		return o, err
	}
	var outs []Output
	for _, out := range o.outputs() {
		outs = append(outs, Output{out.flag, *out.path})
	}
	if err := CheckOutputs(outs); err != nil {
		return o, err
	}
	o.TPS = float64(tps)
	o.Cycle = time.Duration(cycle) * time.Second
	if o.Screenshot != "" && o.Frames == 0 {
		o.Frames = 120
	}
	return o, nil
}

// seedValue hides its default from -h: it comes from the clock.
type seedValue struct{ uint64Value }

func (seedValue) String() string { return "" }

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
	w, errW := wholeNumber(ws)
	h, errH := wholeNumber(hs)
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
	if err := checkFolder(s); err != nil {
		return err
	}
	*v.p = s
	return nil
}

type modeValue struct{ p *boids.Mode }

func (v modeValue) String() string {
	if v.p == nil {
		return ""
	}
	return v.p.String()
}

func (v modeValue) Set(s string) error {
	m, err := boids.ParseMode(s)
	if err != nil {
		return errors.New("allowed ticked, free")
	}
	*v.p = m
	return nil
}

type colourValue struct{ p *string }

func (v colourValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v colourValue) Set(s string) error {
	i := slices.Index(Colours, strings.ToLower(s))
	if i < 0 {
		return fmt.Errorf("allowed %s", strings.Join(Colours, ", "))
	}
	*v.p = Colours[i]
	return nil
}
