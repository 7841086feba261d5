package check

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// Forbid is an import an exercise rules out, and what the exercise asks
// for instead.
type Forbid struct {
	Path, Why string
}

// Imports fails when the participant's file imports a package the exercise
// forbids, the way a reviewer (or a vet-style linter) would reject it
// before running anything.
func Imports(t *testing.T, ex Exercise, forbidden ...Forbid) {
	started.Store(true)
	if msg := forbiddenImport(ex.File, source(t, ex), forbidden); msg != "" {
		Fail("%s", msg)
		t.Fatal(msg)
	}
}

// LocksOnlyIn fails when the participant's file declares a sync.Mutex or
// sync.RWMutex anywhere but in the fields of type holder: a lock of one's
// own beside the ones the exercise gives would serialize what they split.
// why says what the exercise asks for instead.
func LocksOnlyIn(t *testing.T, ex Exercise, holder, why string) {
	started.Store(true)
	if msg := lockOutside(ex.File, source(t, ex), holder); msg != "" {
		Fail("%s: %s", msg, why)
		t.Fatal(msg)
	}
}

// source is the participant's file as the compiler saw it: Source is
// embedded in the test binary, so it is the file the build used (go test
// -overlay included), not whatever is on disk now.
func source(t *testing.T, ex Exercise) []byte {
	if ex.Source == nil {
		t.Fatalf("exercise %d has no Source: embed %s in check_test.go", ex.Number, ex.File)
	}
	return ex.Source
}

func forbiddenImport(name string, src []byte, forbidden []Forbid) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
	if err != nil {
		return err.Error()
	}
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		for _, fb := range forbidden {
			if path == fb.Path {
				return fmt.Sprintf("%s imports %q (line %d): %s", name, path, fset.Position(im.Pos()).Line, fb.Why)
			}
		}
	}
	return ""
}

func lockOutside(name string, src []byte, holder string) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return err.Error()
	}
	sync := "sync"
	for _, im := range f.Imports {
		if path, _ := strconv.Unquote(im.Path.Value); path == "sync" && im.Name != nil {
			sync = im.Name.Name
		}
	}
	isLock := func(e ast.Expr) bool {
		if star, ok := e.(*ast.StarExpr); ok {
			e = star.X
		}
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		pkg, ok := sel.X.(*ast.Ident)
		return ok && pkg.Name == sync && (sel.Sel.Name == "Mutex" || sel.Sel.Name == "RWMutex")
	}
	line := 0
	ast.Inspect(f, func(n ast.Node) bool {
		if line != 0 {
			return false
		}
		switch n := n.(type) {
		case *ast.TypeSpec:
			return n.Name.Name != holder
		case *ast.FuncType:
			return false // a parameter declares no lock: it is handed one
		case *ast.Field:
			if isLock(n.Type) {
				line = fset.Position(n.Pos()).Line
			}
		case *ast.ValueSpec:
			if n.Type != nil && isLock(n.Type) {
				line = fset.Position(n.Pos()).Line
			}
		}
		return true
	})
	if line == 0 {
		return ""
	}
	return fmt.Sprintf("%s declares a lock outside %s (line %d)", name, holder, line)
}

// NoUse fails when the participant's file refers to ident of the package
// at path (boids.NewFlock): the exercise asks the participant to write
// what that does.
func NoUse(t *testing.T, ex Exercise, path, ident, why string) {
	started.Store(true)
	if line := use(ex.File, source(t, ex), path, ident); line != 0 {
		msg := fmt.Sprintf("%s uses %s.%s (line %d)", ex.File, path[strings.LastIndex(path, "/")+1:], ident, line)
		Fail("%s: %s", msg, why)
		t.Fatal(msg)
	}
}

// use returns the first line that refers to path's ident, or 0.
func use(name string, src []byte, path, ident string) int {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return 0
	}
	local := ""
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == path {
			local = p[strings.LastIndex(p, "/")+1:]
			if im.Name != nil {
				local = im.Name.Name
			}
		}
	}
	if local == "" {
		return 0
	}
	line := 0
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && line == 0 {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == local && sel.Sel.Name == ident {
				line = fset.Position(sel.Pos()).Line
			}
		}
		return line == 0
	})
	return line
}
