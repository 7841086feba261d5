//go:build workshop

package profile

import (
	"bytes"
	_ "embed"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/check"
)

//go:embed answers.go
var source []byte

var exercise = check.Exercise{
	Number: 7,
	Name:   "measure before you optimise",
	File:   "answers.go",
	Source: source,
	Passed: "your answers match the profiles the checker just took of the mutex design.",
	Hints: []string{
		"take the profiles as README.md says, with the mutex design, a few thousand boids and 10 s.",
		"go tool pprof -peek 'Unlock' mutex.out shows who calls the Unlock that -top puts first.",
		"go tool pprof -peek 'RWMutex' block.out splits the lock waits by caller; -peek chanrecv2 the receive.",
	},
	Next: "now write the striped design (exercise 3): which of the two calls does splitting the lock help most?",
}

func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }

// profile is what the checker measured: delays by the design's method or
// by function, in the profiles' own units (cycles).
type profile struct {
	holders  map[string]int64 // mutex profile, by (*Mutex) method
	lockWait map[string]int64 // block profile, waits on the RWMutex, by (*Mutex) method
	receives map[string]int64 // block profile, channel receives, by the innermost project function
}

func TestAnswers(t *testing.T) {
	check.Begin()
	p := measure(t)
	type question struct {
		name, answer, want, hint string
		close                    bool // the measurement could not tell the two apart
	}
	holder, hClose := larger(p.holders, "Neighbors", "Move")
	waiter, wClose := larger(p.lockWait, "Neighbors", "Move")
	receiver := largest(p.receives)
	t.Logf("measured, in cycles: holders %v, lock waits %v, receives %v", p.holders, p.lockWait, p.receives)
	qs := []question{
		{"Q1 HoldsContendedLock", HoldsContendedLock, holder, "the mutex profile's top Unlock: who calls it?", hClose},
		{"Q2 WaitsLongestForLock", WaitsLongestForLock, waiter, "the block profile's RWMutex waits, split by caller.", wClose},
		{"Q3 Receives", Receives, receiver, "the block profile's channel receive (runtime.chanrecv2): who calls it?", false},
		{"Q4 MoveLocks", MoveLocks, "RWMutex", "look at boids/mutex.go, then at why pprof shows a Mutex.", false},
	}
	wrong := 0
	for _, q := range qs {
		switch {
		case strings.TrimSpace(q.answer) == "":
			check.Fail("%s has no answer yet.", q.name)
			wrong++
		case q.close && (same(q.answer, "Neighbors") || same(q.answer, "Move")):
		case !same(q.answer, q.want):
			check.Fail("%s: %q is not what the profiles say: %s", q.name, q.answer, q.hint)
			wrong++
		}
	}
	if wrong > 0 {
		t.Fatalf("%d of %d answers to fix", wrong, len(qs))
	}
}

// same compares two function names the way a reader would: without the
// import path, the package, the pointer receiver's (* ) and case.
func same(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimSpace(s)
		s = s[strings.LastIndex(s, "/")+1:]
		s = strings.NewReplacer("(*", "", ")", "", "*", "", "()", "").Replace(s)
		s = strings.TrimPrefix(s, "boids.")
		s = strings.TrimPrefix(s, "sync.")
		return strings.ToLower(s)
	}
	return norm(a) == norm(b)
}

// larger returns which of a and b has the larger total, and whether the
// two are within a factor 1.5 of each other, too close to call.
func larger(m map[string]int64, a, b string) (string, bool) {
	x, y := m[a], m[b]
	close := 2*max(x, y) < 3*min(x, y)
	if x > y {
		return a, close
	}
	return b, close
}

// largest returns the name with the largest total.
func largest(m map[string]int64) string {
	var name string
	for k, d := range m {
		if name == "" || d > m[name] {
			name = k
		}
	}
	return name
}

// measure runs the mutex design in a real flock of 1,000 boids at 60
// ticks a second for one second, with every contended lock and every
// blocking event recorded, as -mutexprofile and -blockprofile do.
func measure(t *testing.T) profile {
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)
	defer runtime.SetMutexProfileFraction(0)
	defer runtime.SetBlockProfileRate(0)
	p := boids.DefaultParams(1280, 720)
	f, err := boids.NewFlock(p, boids.RandomBoids(p, 1000, rand.New(rand.NewPCG(7, 8))), boids.NewMutex())
	if err != nil {
		t.Fatal(err)
	}
	tk := time.NewTicker(time.Second / 60)
	for range 60 {
		<-tk.C
		f.Tick()
	}
	tk.Stop()
	f.Stop()
	return profile{
		holders:  byFunc(t, "mutex", isDesign, func(string) bool { return true }),
		lockWait: byFunc(t, "block", isDesign, func(stack string) bool { return strings.Contains(stack, "sync.(*RWMutex)") }),
		receives: byFunc(t, "block", isProject, func(stack string) bool { return strings.Contains(stack, "runtime.chanrecv") }),
	}
}

const project = "github.com/boids-project/boids/"

func isDesign(fn string) (string, bool) {
	m, ok := strings.CutPrefix(fn, project+"boids.(*Mutex).")
	return m, ok
}

func isProject(fn string) (string, bool) {
	if !strings.HasPrefix(fn, project) {
		return "", false
	}
	return fn[strings.LastIndex(fn, "/")+1:], true
}

// byFunc sums the delays of profile name's records whose stack keep
// accepts, by the innermost frame name accepts.
func byFunc(t *testing.T, name string, named func(fn string) (string, bool), keep func(stack string) bool) map[string]int64 {
	var b bytes.Buffer
	if err := pprof.Lookup(name).WriteTo(&b, 1); err != nil {
		t.Fatal(err)
	}
	// A record is a "<delay> <count> @ <pcs>" line, then one "#" line per
	// frame, innermost first; the header lines before the first record
	// have no "@".
	sums := map[string]int64{}
	for _, rec := range records(b.String()) {
		delay, err := strconv.ParseInt(strings.Fields(rec[0])[0], 10, 64)
		if err != nil || !keep(strings.Join(rec, "\n")) {
			continue
		}
		for _, l := range rec[1:] {
			if f := strings.Fields(l); len(f) >= 3 && f[0] == "#" {
				fn := f[2][:strings.LastIndex(f[2], "+")]
				if n, ok := named(fn); ok {
					sums[n] += delay
					break
				}
			}
		}
	}
	if len(sums) == 0 {
		t.Fatalf("the %s profile has no record of the mutex design:\n%s", name, b.String())
	}
	return sums
}

// records splits a profile's debug=1 text into its records' lines.
func records(text string) [][]string {
	var recs [][]string
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.Contains(l, " @ "):
			recs = append(recs, []string{l})
		case strings.HasPrefix(l, "#") && len(recs) > 0:
			recs[len(recs)-1] = append(recs[len(recs)-1], l)
		}
	}
	return recs
}
