//go:build !workshop

package workshop

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exercises lists every checked exercise with the one file a participant
// edits; solutions/<dir>/<file> is its reference solution.
var exercises = []struct {
	dir, file string
	// starter is what the checker's output on the untouched starter must
	// contain besides the failing verdict.
	starter string
}{
	{"02-race", "racy.go", "WARNING: DATA RACE"},
	{"03-stripes", "stripes.go", "Neighbors found 0 boids"},
	{"04-channel", "channel.go", "Neighbors(0) says the boid is"},
	{"05-lockfree", "snapshot.go", "Neighbors(0) says the boid is"},
	{"06-leak", "swarm.go", "goroutines left: 250 in 06-leak.(*Swarm).boid"},
}

// TestCheckers runs every checker twice, in one go test per side: with the
// reference solutions swapped in for the starters (go test -overlay), where
// each must pass, and on the starters as they are, where each must fail
// with its verdict.
func TestCheckers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the race-enabled checkers of every exercise (about a minute)")
	}
	dir, err := os.Getwd()
	require.NoError(t, err)
	readSources(t, filepath.Dir(dir))
	overlay := map[string]string{}
	var pkgs []string
	for _, e := range exercises {
		overlay[filepath.Join(dir, e.dir, e.file)] = filepath.Join(dir, "solutions", e.dir, e.file)
		pkgs = append(pkgs, "./"+e.dir)
	}
	js, err := json.Marshal(map[string]any{"Replace": overlay})
	require.NoError(t, err)
	ov := filepath.Join(t.TempDir(), "overlay.json")
	require.NoError(t, os.WriteFile(ov, js, 0o644))

	t.Run("solutions", func(t *testing.T) {
		t.Parallel()
		vet := exec.Command("go", append([]string{"vet", "-tags", "workshop,solution", "-overlay", ov}, pkgs...)...)
		out, err := vet.CombinedOutput()
		require.NoError(t, err, "go vet on the solutions:\n%s", out)
		res := goTest(t, append([]string{"-tags", "workshop,solution", "-overlay", ov}, pkgs...))
		for _, e := range exercises {
			r := res[e.dir]
			assert.Equal(t, "pass", r.action, "%s: the checker must pass on the solution:\n%s", e.dir, r.out)
			assert.Contains(t, r.out, "PASS  exercise", "%s: no passing verdict:\n%s", e.dir, r.out)
		}
	})
	t.Run("starters", func(t *testing.T) {
		t.Parallel()
		res := goTest(t, append([]string{"-tags", "workshop"}, pkgs...))
		for _, e := range exercises {
			r := res[e.dir]
			assert.Equal(t, "fail", r.action, "%s: the checker must fail on the starter:\n%s", e.dir, r.out)
			assert.Contains(t, r.out, "FAIL  exercise", "%s: no failing verdict:\n%s", e.dir, r.out)
			assert.Contains(t, r.out, e.starter, "%s: the failure is not the expected one:\n%s", e.dir, r.out)
		}
	})
}

// readSources reads every Go source and module file of the module. The
// checkers run in child processes, whose reads go test cannot see; reading
// the files here makes go test's result cache notice when any changes.
func readSources(t *testing.T, root string) {
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(path); ext == ".go" || ext == ".mod" || ext == ".sum" {
			_, err = os.ReadFile(path)
		}
		return err
	})
	require.NoError(t, err)
}

type result struct {
	action string // pass or fail
	out    string
}

// goTest runs go test -race -short -json with args and returns each
// exercise package's outcome and output, keyed by its directory name.
func goTest(t *testing.T, args []string) map[string]result {
	cmd := exec.Command("go", append([]string{"test", "-race", "-short", "-count=1", "-json"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("go test: %v", err)
		}
	}
	out := map[string]*strings.Builder{}
	res := map[string]result{}
	dec := json.NewDecoder(&stdout)
	for dec.More() {
		var ev struct {
			Action, Package, Test, Output string
		}
		require.NoError(t, dec.Decode(&ev), "go test -json output; stderr:\n%s", stderr.String())
		key := ev.Package[strings.LastIndex(ev.Package, "/")+1:]
		if out[key] == nil {
			out[key] = &strings.Builder{}
		}
		switch {
		case ev.Action == "output" || ev.Action == "build-output":
			out[key].WriteString(ev.Output)
		case ev.Test == "" && (ev.Action == "pass" || ev.Action == "fail"):
			res[key] = result{action: ev.Action}
		}
	}
	for k, r := range res {
		r.out = out[k].String() + stderr.String()
		res[k] = r
	}
	return res
}
