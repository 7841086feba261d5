package cli

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// FlagSet is a flag.FlagSet whose every error is one line: the flag, its
// value quoted to a bounded length, and what the flag allows. The boids
// command, the workshop's and the laboratory (cmd/boidsbench) share it, so
// that a bad value reads the same everywhere. -h is flag.ErrHelp, with
// nothing printed: the command prints its usage.
type FlagSet struct {
	*flag.FlagSet
	bad badValue
}

// NewFlagSet returns an empty flag set for the command called name.
func NewFlagSet(name string) *FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &FlagSet{FlagSet: fs}
}

// Var defines a flag whose value v checks.
func (f *FlagSet) Var(v flag.Value, name, usage string) {
	f.FlagSet.Var(guard{v, name, &f.bad}, name, usage)
}

// Int defines a flag holding a whole number lo..hi.
func (f *FlagSet) Int(p *int, lo, hi int, name, usage string) {
	f.Var(&intValue{p, lo, hi}, name, usage)
}

// Uint64 defines a flag holding any whole number that fits 64 bits.
func (f *FlagSet) Uint64(p *uint64, name, usage string) { f.Var(uint64Value{p}, name, usage) }

// Bool defines a flag that is true when given alone, or -name=true|false.
func (f *FlagSet) Bool(p *bool, name, usage string) {
	f.FlagSet.Var(boolGuard{guard{boolValue{p}, name, &f.bad}}, name, usage)
}

// File defines a flag naming an output file, in a folder that exists.
func (f *FlagSet) File(p *string, name, usage string) { f.Var(fileValue{p}, name, usage) }

// Parse parses args, which must all be flags. It returns flag.ErrHelp for
// -h and -help, or an error of one line.
func (f *FlagSet) Parse(args []string) error {
	err := f.FlagSet.Parse(args)
	switch {
	case err == nil && f.NArg() > 0:
		return fmt.Errorf("unexpected argument %s: only flags are accepted (see -h)", Quote(f.Arg(0)))
	case err == nil, err == flag.ErrHelp:
		return err
	case f.bad.name != "":
		return fmt.Errorf("invalid value %s for flag -%s: %v", Quote(f.bad.value), f.bad.name, f.bad.err)
	case strings.HasPrefix(err.Error(), undefined):
		return fmt.Errorf("%s%s (see -h for the flags)", undefined, bound(strings.TrimPrefix(err.Error(), undefined)))
	}
	return fmt.Errorf("%s (see -h for the flags)", bound(err.Error()))
}

// PrintDefaults writes every flag, its usage and default to w.
func (f *FlagSet) PrintDefaults(w io.Writer) {
	f.SetOutput(w)
	f.FlagSet.PrintDefaults()
	f.SetOutput(io.Discard)
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
	n, err := ParseWhole(s, v.lo, v.hi)
	if err != nil {
		return err
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

// ParseWhole reads a whole number lo..hi as a flag does; the error says
// what is allowed. The game's panel fields use it too.
func ParseWhole(s string, lo, hi int) (int, error) {
	n, err := wholeNumber(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("allowed a whole number %d..%d", lo, hi)
	}
	return n, nil
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

// boolGuard is the guard of a boolean flag. -h shows a flag's default
// unless it equals the String of its type's zero value, which for a bool
// must read "false", as the flag package's own bools do.
type boolGuard struct{ guard }

func (b boolGuard) String() string {
	if b.Value == nil {
		return "false"
	}
	return b.guard.String()
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

type uint64Value struct{ p *uint64 }

func (v uint64Value) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.FormatUint(*v.p, 10)
}

func (v uint64Value) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("allowed a whole number 0..%d", uint64(1<<64-1))
	}
	*v.p = n
	return nil
}

// fileValue is an output file whose folder must exist.
type fileValue struct{ p *string }

func (v fileValue) String() string { return "" }

func (v fileValue) Set(s string) error {
	if s == "" || strings.HasSuffix(s, string(filepath.Separator)) {
		return fmt.Errorf("allowed a file name")
	}
	if err := checkFolder(s); err != nil {
		return err
	}
	*v.p = s
	return nil
}

// floatValue is a number flag limited to lo..hi. Like the whole numbers, it
// refuses a leading "+".
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
	if err != nil || strings.HasPrefix(s, "+") || !(f >= v.lo && f <= v.hi) {
		return fmt.Errorf("allowed a number %g..%g", v.lo, v.hi)
	}
	*v.p = f
	return nil
}
