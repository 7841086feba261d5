//go:build workshop

package bench

import (
	_ "embed"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/boids-project/boids/workshop/internal/check"
)

//go:embed answers.go
var source []byte

var exercise = check.Exercise{
	Number: 9,
	Name:   "read a benchmark",
	File:   "answers.go",
	Source: source,
	Passed: "your answers match what benchstat says of testdata/bench.txt.",
	Hints: []string{
		"go run golang.org/x/perf/cmd/benchstat@latest -col /gomaxprocs testdata/bench.txt",
		`"~" in the vs base column means benchstat cannot tell the two apart at its level (p ≥ 0.05).`,
		"the ± is the 95% confidence interval around the median, relative to it: with 6 runs, from the fastest to the slowest.",
	},
	Next: "now run the benchmark on your machine, twice, and compare the two runs with benchstat: what changed that the code did not?",
}

func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }

// The checker reads testdata/bench.txt itself and computes what benchstat
// prints: medians, the 95% confidence interval (for 6 runs, the range),
// and the Mann-Whitney U test's p-value, exactly, as benchstat does for
// small samples without ties.

func TestAnswers(t *testing.T) {
	check.Begin()
	runs := load(t, "testdata/bench.txt")
	m1, m2 := runs["mutex/1"], runs["mutex/2"]
	change := (median(m2)/median(m1) - 1) * 100
	sig := yesNo(uTest(m1, m2) < 0.05)
	faster := yesNo(median(runs["lockfree/2"]) < median(m2) && uTest(runs["lockfree/2"], m2) < 0.05)
	widest, wide := "", 0.0
	for _, key := range slices.Sorted(maps.Keys(runs)) {
		if w := spread(runs[key]); w > wide {
			widest, wide = key[:strings.Index(key, "/")], w
		}
	}
	t.Logf("from the data: change %.2f%%, p %.3f, lockfree faster %s, widest %s ±%.0f%%", change, uTest(m1, m2), faster, widest, wide)
	wrong := 0
	ask := func(name, answer string, ok func(string) bool, hint string) {
		switch {
		case strings.TrimSpace(answer) == "":
			check.Fail("%s has no answer yet.", name)
			wrong++
		case !ok(strings.TrimSpace(answer)):
			check.Fail("%s: %q is not what benchstat says: %s", name, answer, hint)
			wrong++
		}
	}
	ask("Q1 MutexChange", MutexChange, near(change, 0.5), "the vs base column of the mutex row, with its sign.")
	ask("Q2 MutexChangeSignificant", MutexChangeSignificant, is(sig), "look at the p= next to the change.")
	ask("Q3 LockfreeFaster", LockfreeFaster, is(faster), "a lower median is not yet a difference: what does benchstat print beside it?")
	ask("Q4 WidestRow", WidestRow, is(widest), "compare the ± of all four rows.")
	ask("Q4 WidestPercent", WidestPercent, near(wide, 1), "the ± of that row, in percent.")
	if wrong > 0 {
		t.Fatalf("%d answers to fix", wrong)
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func is(want string) func(string) bool {
	return func(s string) bool { return strings.EqualFold(s, want) }
}

func near(want, tol float64) func(string) bool {
	return func(s string) bool {
		v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		return err == nil && math.Abs(v-want) <= tol
	}
}

// load reads the ns/boid-tick of every BenchmarkFlock line, keyed by design
// and GOMAXPROCS: "mutex/1", "lockfree/2".
func load(t *testing.T, path string) map[string][]float64 {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string][]float64{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !strings.HasPrefix(f[0], "BenchmarkFlock/") {
			continue
		}
		name, procs, ok := strings.Cut(f[0], "-")
		if !ok {
			procs = "1"
		}
		design := strings.Split(name, "/")[1]
		for i := 2; i+1 < len(f); i += 2 {
			if f[i+1] == "ns/boid-tick" {
				v, err := strconv.ParseFloat(f[i], 64)
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				runs[design+"/"+procs] = append(runs[design+"/"+procs], v)
			}
		}
	}
	if len(runs) != 4 {
		t.Fatalf("%s: want mutex and lockfree at GOMAXPROCS 1 and 2, found %v", path, runs)
	}
	return runs
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// spread is benchstat's ± for 6 runs: the 95% confidence interval of the
// median is then the range, and the ± its larger side, relative to the
// median, in percent.
func spread(xs []float64) float64 {
	m := median(xs)
	return math.Max(slices.Max(xs)-m, m-slices.Min(xs)) / m * 100
}

// uTest is the two-sided Mann-Whitney U test's exact p-value for samples
// without ties: the share of all ways to split the pooled ranks into two
// groups of these sizes whose U is at least as far from its mean.
func uTest(a, b []float64) float64 {
	pooled := slices.Sorted(slices.Values(append(slices.Clone(a), b...)))
	n1, n := len(a), len(a)+len(b)
	u := func(rankSum int) float64 { return float64(rankSum - n1*(n1+1)/2) }
	obs := 0
	for _, x := range a {
		obs += slices.Index(pooled, x) + 1
	}
	mean := float64(n1*(n-n1)) / 2
	far := math.Abs(u(obs) - mean)
	var all, extreme int
	var walk func(next, left, sum int)
	walk = func(next, left, sum int) {
		if left == 0 {
			all++
			if math.Abs(u(sum)-mean) >= far-1e-9 {
				extreme++
			}
			return
		}
		for r := next; r <= n-left+1; r++ {
			walk(r+1, left-1, sum+r)
		}
	}
	walk(1, n1, 0)
	return float64(extreme) / float64(all)
}
