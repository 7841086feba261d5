package check

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// goroutine is one goroutine of a stack dump (runtime.Stack with all set,
// or the stacks inside a goleak error).
type goroutine struct {
	id     int
	state  string  // as the header says it, without the wait time: "chan receive"
	frames []frame // innermost first; "created by" is not one of them
}

// frame is one call of a goroutine's stack.
type frame struct {
	fn   string // the full name: github.com/x/workshop/06-leak.(*Swarm).boid
	file string // the full path
	line int
}

// headerRE matches the first line of a goroutine, as the runtime writes it
// ("goroutine 7 [chan receive, 2 minutes]:") or as goleak does ("Goroutine 7
// in state chan receive, with pkg.f on top of the stack:", the runtime's
// own header left out).
var headerRE = regexp.MustCompile(`^(?:goroutine (\d+) (?:[^\[]* )?\[([^\]]*)\]:|Goroutine (\d+) in state (.*), with \S+ on top of the stack:)$`)

// header reads a goroutine's first line, in either form.
func header(line string) (id int, state string, ok bool) {
	m := headerRE.FindStringSubmatch(line)
	if m == nil {
		return 0, "", false
	}
	if m[1] == "" {
		m[1], m[2] = m[3], m[4]
	}
	id, _ = strconv.Atoi(m[1])
	state, _, _ = strings.Cut(m[2], ",")
	return id, state, true
}

// parseStacks reads the goroutines of a stack dump. Lines it does not
// expect (goleak's summaries, "...additional frames elided...") are
// skipped, so a function line is always paired with the file line after it.
func parseStacks(dump string) []goroutine {
	var gs []goroutine
	var g *goroutine
	var fn string // a function line waiting for its file line
	for _, raw := range strings.Split(dump, "\n") {
		line := strings.TrimRight(raw, " ]\r")
		if id, state, ok := header(strings.TrimLeft(line, " [")); ok {
			gs = append(gs, goroutine{id: id, state: state})
			g, fn = &gs[len(gs)-1], ""
			continue
		}
		if g == nil {
			continue
		}
		switch {
		case strings.HasPrefix(line, "\t"):
			if fn != "" {
				file, ln := fileLine(line)
				g.frames = append(g.frames, frame{fn: fn, file: file, line: ln})
			}
			fn = ""
		case strings.HasPrefix(line, "created by "), strings.HasPrefix(line, "..."), line == "":
			fn = ""
		default:
			fn = funcName(line)
		}
	}
	return gs
}

// funcName cuts the arguments off a function line: "pkg.(*T).m(0xc0, ...)"
// gives "pkg.(*T).m".
func funcName(line string) string {
	line = strings.TrimSpace(line)
	if strings.HasSuffix(line, ")") {
		if i := strings.LastIndex(line, "("); i > 0 {
			return line[:i]
		}
	}
	return line
}

// fileLine reads "\t/path/file.go:81 +0x85" (the offset is missing for an
// inlined call).
func fileLine(line string) (string, int) {
	line = strings.TrimSpace(line)
	if i := strings.Index(line, " "); i >= 0 {
		line = line[:i]
	}
	i := strings.LastIndex(line, ":")
	if i < 0 {
		return line, 0
	}
	n, _ := strconv.Atoi(line[i+1:])
	return line[:i], n
}

// short names a function by its package's last path element:
// "06-leak.(*Swarm).boid", "sync.(*RWMutex).Lock".
func short(fn string) string { return fn[strings.LastIndex(fn, "/")+1:] }

// std reports whether fn belongs to the standard library: its import path
// has no dot in its first element, and it is not a command's main.
func std(fn string) bool {
	path := fn
	if i := strings.LastIndex(path, "/"); i >= 0 {
		first := path[:strings.Index(path, "/")]
		return !strings.Contains(first, ".")
	}
	pkg, _, _ := strings.Cut(path, ".")
	return pkg != "main"
}

// waitingIn says what the goroutine waits for: the outermost standard
// library call on top of its stack ("sync.RWMutex.Lock", even when the
// runtime files the wait under the mutex RWMutex.Lock takes first), or its
// state when it waits in its own code (a channel operation, a select).
func (g goroutine) waitingIn() string {
	call := ""
	for _, f := range g.frames {
		if !std(f.fn) {
			break
		}
		call = f.fn
	}
	if call == "" || strings.HasPrefix(call, "runtime.") {
		return g.state
	}
	return strings.NewReplacer("(*", "", ")", "").Replace(short(call))
}

// where names the innermost call outside the standard library: the
// participant's function the goroutine is stuck in.
func (g goroutine) where() string {
	for _, f := range g.frames {
		if !std(f.fn) {
			return short(f.fn)
		}
	}
	if len(g.frames) > 0 {
		return short(g.frames[0].fn)
	}
	return "?"
}

// plural writes "1 goroutine", "2 goroutines".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
