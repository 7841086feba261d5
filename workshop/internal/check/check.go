// Package check is the workshop's checker: it runs the conformance suite on
// a participant's design under the race detector and prints a verdict that
// says plainly whether the exercise is done and, if not, where to look.
//
// Every exercise's check_test.go calls Main from TestMain and Design (or
// its own test) from a test function.
package check

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Exercise names an exercise and says what to try when its check fails.
type Exercise struct {
	Number int
	Name   string
	File   string // the one file the participant edits
	// Source is File's text, embedded by check_test.go (//go:embed), for
	// the checks that read the code rather than run it.
	Source []byte
	// Hints are printed, one per line, under a failing verdict.
	Hints []string
	// Next is printed under a passing verdict.
	Next string
	// Passed is the passing verdict, when it is not the usual "race-free,
	// correct, and no goroutine left behind".
	Passed string
	// TriesWithoutRace lets the checker run without -race, to show what
	// the detector adds (exercise 2); it gives no verdict then.
	TriesWithoutRace bool
}

func (e Exercise) title() string { return fmt.Sprintf("exercise %d (%s)", e.Number, e.Name) }

// out is where verdicts go; stdout, so that they follow the test output.
var out io.Writer = os.Stdout

var (
	mu      sync.Mutex
	reasons []string
	// started is set when a check begins, so that a run in which -run left
	// every check out is not reported as a pass.
	started atomic.Bool
	// current is the exercise Main runs, set before any test starts.
	current Exercise
)

// Fail records why the check failed, for the verdict; tests call it next to
// t.Fatal with a short sentence a participant can act on.
func Fail(format string, args ...any) {
	mu.Lock()
	reasons = append(reasons, fmt.Sprintf(format, args...))
	mu.Unlock()
}

// Main runs the tests and prints the verdict. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }
//
// The run stops at the first failing test (-failfast): the first failure is
// the one that explains the others.
func Main(m *testing.M, ex Exercise) int {
	flag.Parse()
	if err := flag.Set("test.failfast", "true"); err != nil {
		panic(err)
	}
	current = ex
	code := m.Run()
	if code == 0 && !started.Load() {
		fmt.Fprintln(out, "no check ran (did -run leave them all out?): no verdict")
		return 0
	}
	if code == 0 && !Race && ex.TriesWithoutRace {
		verdict("NO VERDICT", ex, []string{
			"every check passed without the race detector: the design looks correct.",
			"Now run the same checks with it:",
			"  go test -race -tags workshop",
		}, "")
		return 0
	}
	if code == 0 {
		passed := ex.Passed
		if passed == "" {
			passed = "race-free, correct, and no goroutine left behind."
		}
		verdict("PASS", ex, []string{passed}, ex.Next)
		return 0
	}
	mu.Lock()
	why := append([]string{}, reasons...)
	mu.Unlock()
	if len(why) == 0 {
		why = []string{
			`not yet. Read the output above from the top: "WARNING: DATA RACE" is a race`,
			`(two stacks: one access and the access it raced with); the first "--- FAIL"`,
			`line and the message under it is a wrong answer.`,
		}
	}
	var hints []string
	for _, h := range ex.Hints {
		hints = append(hints, "hint: "+h)
	}
	verdict("FAIL", ex, why, strings.Join(hints, "\n"))
	return code
}

// verdict prints a framed block: the word, the exercise, the reasons and a
// closing note, so it stands out at the end of a long test output.
func verdict(word string, ex Exercise, lines []string, note string) {
	bar := strings.Repeat("=", 72)
	fmt.Fprintln(out, bar)
	fmt.Fprintf(out, "%s  %s, file %s\n", word, ex.title(), ex.File)
	if note != "" {
		lines = append(lines, note)
	}
	for _, l := range strings.Split(strings.Join(lines, "\n"), "\n") {
		fmt.Fprintln(out, "      "+l)
	}
	fmt.Fprintln(out, bar)
}

// Begin starts a check that runs none of the participant's code
// concurrently (answers to questions), so it needs no race detector.
func Begin() { started.Store(true) }

// Abort prints a failing verdict at once and ends the test binary: for a
// panic or a deadlock, after which the run cannot go on.
func Abort(ex Exercise, lines ...string) {
	verdict("FAIL", ex, lines, "")
	os.Exit(1)
}
