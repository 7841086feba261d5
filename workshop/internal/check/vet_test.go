package check

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestForbiddenImport(t *testing.T) {
	src := []byte("package main\n\nimport (\n\t\"fmt\"\n\tsy \"sync\"\n)\n")
	forbid := []Forbid{{"sync", "no locks here."}}
	assert.Equal(t, `channel.go imports "sync" (line 5): no locks here.`, forbiddenImport("channel.go", src, forbid),
		"a renamed import is still the package")
	assert.Empty(t, forbiddenImport("channel.go", []byte("package main\n\nimport \"sync/atomic\"\n"), forbid),
		"sync/atomic is another package")
	assert.Contains(t, forbiddenImport("channel.go", []byte("package main\nimport ("), forbid), "channel.go:", "a parse error is reported")
}

func TestLockOutside(t *testing.T) {
	const head = "package main\n\nimport s \"sync\"\n\n"
	for _, c := range []struct {
		name, src, want string
	}{
		{"in the holder", "type stripe struct{ mu s.RWMutex }\n", ""},
		{"a field beside the stripes", "type Stripes struct {\n\tstripes []stripe\n\tbig s.Mutex\n}\n", "stripes.go declares a lock outside stripe (line 7)"},
		{"a pointer", "type Stripes struct{ big *s.RWMutex }\n", "stripes.go declares a lock outside stripe (line 5)"},
		{"embedded", "type Stripes struct{ s.Mutex }\n", "stripes.go declares a lock outside stripe (line 5)"},
		{"a package variable", "var big s.Mutex\n", "stripes.go declares a lock outside stripe (line 5)"},
		{"a local variable", "func f() { var mu s.Mutex; _ = &mu }\n", "stripes.go declares a lock outside stripe (line 5)"},
		{"a parameter", "func lock(mu *s.RWMutex) { mu.Lock() }\n", ""},
		{"another type's Mutex", "type Stripes struct{ mu other.Mutex }\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, lockOutside("stripes.go", []byte(head+c.src), "stripe"))
		})
	}
}

func TestGoneAfter(t *testing.T) {
	// A waiting stop is never caught with its goroutines still there: the
	// check has no retry, so run it many times.
	for range 200 {
		quit := make(chan struct{})
		wg := workers(20, quit)
		groups, ok := goneAfter("workers_test.go", 5*time.Second, func() { close(quit); wg.Wait() })
		require.True(t, ok)
		require.Empty(t, groups, "a stop that waits")
	}
	for range 20 {
		quit := make(chan struct{})
		wg := workers(20, quit)
		groups, ok := goneAfter("workers_test.go", 5*time.Second, func() { close(quit) })
		require.True(t, ok)
		n := 0
		for _, g := range groups {
			n += g.count
			assert.Contains(t, g.key, "workers.func1 at workers_test.go:")
		}
		// Besides this round's 20, the dump may hold a worker of the last
		// round that had called Done (so wg.Wait returned) but not yet
		// exited when goneAfter stopped the world to go to one P.
		assert.GreaterOrEqual(t, n, 20, "a stop that does not wait")
		assert.LessOrEqual(t, n, 40, "a stop that does not wait")
		wg.Wait()
	}
	block := make(chan struct{})
	_, ok := goneAfter("workers_test.go", 50*time.Millisecond, func() { <-block })
	assert.False(t, ok, "a stop that does not return")
	close(block)
}

// A goroutine found at the closing brace of its own function has done all
// its work and is only returning (preempted before it could exit): a stop
// is not blamed for it. One anywhere else still runs, and so does another
// function found at that line (workers, whose literal ends there).
func TestRunningInLeavesOutReturningGoroutines(t *testing.T) {
	path, err := filepath.Abs("workers_test.go")
	require.NoError(t, err)
	const pkg = "github.com/boids-project/boids/workshop/internal/check."
	g := func(id int, state, fn string, line int) string {
		return fmt.Sprintf("goroutine %d [%s]:\n%s%s()\n\t%s:%d +0x55\ncreated by %sworkers in goroutine 6\n\t%s:11 +0x33\n",
			id, state, pkg, fn, path, line, pkg, path)
	}
	dump := strings.Join([]string{
		g(7, "runnable", "workers.func1", 14), // past wg.Done, at the literal's "}()"
		g(8, "chan receive", "workers.func1", 13),
		g(9, "runnable", "workers.func1", 13),
		g(10, "runnable", "workers", 14),
	}, "\n")
	groups := runningIn(dump, "workers_test.go")
	n := 0
	for _, gr := range groups {
		n += gr.count
		assert.NotContains(t, gr.key, "func1 at workers_test.go:14", "a goroutine only returning")
	}
	assert.Equal(t, 3, n, "goroutines still running: %v", groups)
}

func TestUse(t *testing.T) {
	src := []byte("package main\n\nimport b \"github.com/x/boids\"\n\nfunc f() {\n\t_ = b.NewMutex()\n\tb.NewFlock()\n}\n")
	assert.Equal(t, 7, use("barrier.go", src, "github.com/x/boids", "NewFlock"), "a renamed import")
	assert.Zero(t, use("barrier.go", src, "github.com/x/boids", "Flock"))
	assert.Zero(t, use("barrier.go", src, "github.com/y/boids", "NewFlock"), "another package of the same name")
}
