package cli

import (
	"errors"
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
	var bad badValue
	v := func(val flag.Value, name, usage string) { fs.Var(guard{val, name, &bad}, name, usage) }
	v(&intValue{&o.Boids, 1, boids.MaxBoids}, "boids", fmt.Sprintf("number of boids, `N` in 1..%d", boids.MaxBoids))
	v(strategyValue{&o.Strategy}, "strategy", "synchronization design `NAME`: "+strings.Join(boids.DesignNames(), ", "))
	v(seedValue{&o.Seed}, "seed", "random seed `N` (default from the clock; the seed in use is printed at start)")
	v(&intValue{&tps, 1, boids.MaxTPS}, "tps", fmt.Sprintf("simulation ticks per second, `N` in 1..%d", boids.MaxTPS))
	v(&intValue{&o.Procs, 1, maxProcs}, "procs", fmt.Sprintf("GOMAXPROCS, `N` in 1..%d", maxProcs))
	v(size, "size", fmt.Sprintf("world and initial window size `WxH`, each side %d..%d", boids.MinWorld, boids.MaxWorld))
	v(edgesValue{&o.Edges}, "edges", "what the world's border does: `wrap|bounce`")
	v(&intValue{&o.Frames, 0, 1 << 30}, "frames", "exit after `N` frames; 0 runs until the window is closed or Ctrl-C")
	v(shotValue{&o.Screenshot}, "screenshot", "save the last frame to `FILE.png` and exit (after 120 frames without -frames)")
	v(boolValue{&o.Overlay}, "overlay", "show the metrics overlay at start (M toggles it)")
	v(boolValue{&o.Panel}, "panel", "open the control panel at start (P toggles it)")
	v(&intValue{&cycle, 0, 3600}, "cycle", "switch to the next design every `N` seconds; 0 never does")
	for _, out := range o.outputs() {
		if out.flag != "screenshot" {
			v(fileValue{out.path}, out.flag, out.usage)
		}
	}

	if err := fs.Parse(args); err != nil {
		switch {
		case err == flag.ErrHelp:
			fmt.Fprintf(stderr, "Usage: %s [flags]\n", name)
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return o, err
		case bad.name != "":
			return o, fmt.Errorf("invalid value %s for flag -%s: %v", Quote(bad.value), bad.name, bad.err)
		case strings.HasPrefix(err.Error(), undefined):
			return o, fmt.Errorf("%s%s (see -h for the flags)", undefined, bound(strings.TrimPrefix(err.Error(), undefined)))
		}
		return o, errors.New(bound(err.Error()))
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %s: only flags are accepted (see -h)", Quote(fs.Arg(0)))
	}
	if err := checkOutputs(o.outputs()); err != nil {
		return o, err
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
	n, err := wholeNumber(s)
	if err != nil || n < v.lo || n > v.hi {
		return fmt.Errorf("allowed a whole number %d..%d", v.lo, v.hi)
	}
	*v.p = n
	return nil
}

// wholeNumber is a decimal integer as the flags accept it: an optional
// minus and digits. strconv.Atoi also takes a leading "+", which no flag
// accepts, so that "-boids +5" is as wrong as "-boids 5.0".
func wholeNumber(s string) (int, error) {
	if strings.HasPrefix(s, "+") {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(s)
}

// undefined starts the flag package's error for a flag it does not know.
const undefined = "flag provided but not defined: "

// badValue is the flag value the flag package refused: reported by Parse
// with its value quoted to a bounded length.
type badValue struct {
	name, value string
	err         error
}

// guard records in bad the value its flag refused.
type guard struct {
	flag.Value
	name string
	bad  *badValue
}

func (g guard) Set(s string) error {
	err := g.Value.Set(s)
	if err != nil && g.bad.name == "" {
		*g.bad = badValue{g.name, s, err}
	}
	return err
}

func (g guard) String() string {
	if g.Value == nil {
		return ""
	}
	return g.Value.String()
}

func (g guard) IsBoolFlag() bool {
	b, ok := g.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// maxQuoted is how many characters of a bad value an error repeats.
const maxQuoted = 80

// Quote quotes s for an error line, cut to its first maxQuoted characters
// and "…" when longer, so that a huge argument gives a line, not a page.
func Quote(s string) string {
	if r := []rune(s); len(r) > maxQuoted {
		return strconv.Quote(string(r[:maxQuoted])) + "…"
	}
	return strconv.Quote(s)
}

// bound cuts an error text the flag package built around an argument.
func bound(s string) string {
	if r := []rune(s); len(r) > maxQuoted+40 {
		return string(r[:maxQuoted+40]) + "…"
	}
	return s
}

type boolValue struct{ p *bool }

func (v boolValue) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.FormatBool(*v.p)
}

func (v boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("allowed true, false")
	}
	*v.p = b
	return nil
}

func (boolValue) IsBoolFlag() bool { return true }

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
	if dir, err := os.Stat(filepath.Dir(s)); err != nil || !dir.IsDir() {
		return fmt.Errorf("folder %s does not exist", bound(filepath.Dir(s)))
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
		return fmt.Errorf("folder %s does not exist", bound(filepath.Dir(s)))
	}
	*v.p = s
	return nil
}
