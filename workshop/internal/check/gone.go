package check

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// GoneAfter runs call, a method that ends goroutines (Close, Stop), and
// the moment it returns, with no retry and no pause, lists the goroutines
// still running code in the participant's file (runningIn: not those only
// returning): such a method must wait
// until the goroutines it ends have ended. what names the call for the
// verdict ("Close", "New(100), Stop()").
//
// It runs with GOMAXPROCS 1. A goroutine's last act is to tell its waiter
// it is done (a WaitGroup.Done, closing a channel); on one P, the woken
// waiter runs only once that goroutine has exited, so a correct method
// never sees its goroutines, and a method that does not wait finds them
// still runnable, because it has not given up the P since it woke them.
// A call that does not return within Stall is a deadlock.
func GoneAfter(t *testing.T, ex Exercise, what string, call func()) {
	started.Store(true)
	if n, left := Running(ex, what, call); n > 0 {
		Fail("%s returned while %s of %s still ran:", what, plural(n, "goroutine"), ex.File)
		Fail("%s", left)
		Fail("%s must not return before the goroutines it ends have ended: wait for them.", what)
		t.Fatalf("goroutines still running when %s returned:\n%s", what, left)
	}
}

// Running runs call as GoneAfter does and returns how many goroutines ran
// code in ex.File the moment it returned, and where, one line per way.
func Running(ex Exercise, what string, call func()) (int, string) {
	groups, ok := goneAfter(ex.File, Stall, call)
	if !ok {
		Abort(ex,
			fmt.Sprintf("deadlock: %s did not return in %v.", what, Stall),
			"Where the goroutines wait (only those inside "+ex.File+"):",
			Stuck(ex.File))
	}
	n := 0
	for _, g := range groups {
		n += g.count
	}
	return n, format(groups)
}

// goneAfter runs call and returns the goroutines running code in file the
// moment it returned, or false when it did not return within d.
func goneAfter(file string, d time.Duration, call func()) ([]group, bool) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	dump := make(chan string, 1)
	buf := make([]byte, 1<<22)
	go func() {
		call()
		dump <- string(buf[:runtime.Stack(buf, true)])
	}()
	select {
	case d := <-dump:
		_, others, _ := strings.Cut(d, "\n\n")
		return runningIn(others, file), true
	case <-time.After(d):
		return nil, false
	}
}

// runningIn groups the goroutines of dump that run code in file, as
// stuckGroups does, leaving out those that are only returning: their
// innermost call in file is at the closing brace of its own function, all
// its work and its deferred calls done. One P does not keep them all away:
// a goroutine that had told its waiter and was then preempted (its time
// slice up) before it could exit was found so once, beside a correct Stop
// (exercise 8's solution, under the race detector).
func runningIn(dump, file string) []group {
	var gs []goroutine
	var ends map[int]string
	for _, g := range parseStacks(dump) {
		i := slices.IndexFunc(g.frames, func(f frame) bool { return inFile(f, file) })
		if i < 0 {
			continue
		}
		f := g.frames[i]
		if ends == nil {
			ends = funcEnds(f.file)
		}
		if name, ok := ends[f.line]; ok && (strings.HasSuffix(f.fn, "."+name) || name == "" && strings.Contains(f.fn, ".func")) {
			continue
		}
		gs = append(gs, g)
	}
	return groupBy(gs, func(g goroutine) string { return stuckKey(g, file) })
}

// funcEnds maps the line of every function's closing brace in the Go file
// at path to the function's name as a stack trace ends it ("(*Flock).boid",
// "Run"), or to "" for a function literal. A file it cannot read or parse
// has none.
func funcEnds(path string) map[int]string {
	ends := map[int]string{}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return ends
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch fn := n.(type) {
		case *ast.FuncDecl:
			if fn.Body != nil {
				ends[fset.Position(fn.Body.Rbrace).Line] = declName(fn)
			}
		case *ast.FuncLit:
			ends[fset.Position(fn.Body.Rbrace).Line] = ""
		}
		return true
	})
	return ends
}

// declName is a function's name as a stack trace writes it after the
// package: "Run", "Flock.Len", "(*Flock).boid". A generic receiver's is
// written otherwise ("(*T[...]).m") and matches no frame: such a goroutine
// is reported, as before.
func declName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	switch r := fn.Recv.List[0].Type.(type) {
	case *ast.StarExpr:
		if id, ok := r.X.(*ast.Ident); ok {
			return "(*" + id.Name + ")." + fn.Name.Name
		}
	case *ast.Ident:
		return r.Name + "." + fn.Name.Name
	}
	return fn.Name.Name
}
