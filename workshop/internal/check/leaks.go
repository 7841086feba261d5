package check

import (
	"fmt"
	"slices"
	"strings"
)

// group is the goroutines of a dump that are stuck the same way.
type group struct {
	key   string
	count int
	first goroutine
}

// groupBy groups gs by key, in the order each key first appears.
func groupBy(gs []goroutine, key func(goroutine) string) []group {
	var out []group
	for _, g := range gs {
		k := key(g)
		i := slices.IndexFunc(out, func(o group) bool { return o.key == k })
		if i < 0 {
			out = append(out, group{key: k, first: g})
			i = len(out) - 1
		}
		out[i].count++
	}
	return out
}

// leakKey names where a leaked goroutine is stuck: its function and what it
// waits for, "06-leak.(*Swarm).boid (chan receive)".
func leakKey(g goroutine) string { return fmt.Sprintf("%s (%s)", g.where(), g.waitingIn()) }

// Leaks summarizes a goleak error: how many goroutines are left, grouped by
// the function they are stuck in and what they wait for.
func Leaks(err error) string {
	gs := parseStacks(err.Error())
	groups := groupBy(gs, leakKey)
	slices.SortStableFunc(groups, func(a, b group) int { return strings.Compare(a.key, b.key) })
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = fmt.Sprintf("%d in %s", g.count, g.key)
	}
	return fmt.Sprintf("%s left: %s", plural(len(gs), "goroutine"), strings.Join(parts, ", "))
}

// LeakStacks shortens a goleak error to one full stack per function and
// state, with how many more goroutines are stuck the same way: hundreds of
// identical stacks would bury the verdict.
func LeakStacks(err error) string {
	return stacksOf(err.Error())
}

// stacksOf prints one goroutine of each group of dump in full, as the
// runtime printed it, and counts the others.
func stacksOf(dump string) string {
	blocks := map[int]string{}
	for _, b := range rawBlocks(dump) {
		if gs := parseStacks(b); len(gs) == 1 {
			blocks[gs[0].id] = b
		}
	}
	var sb strings.Builder
	sb.WriteString("goroutines left running:\n")
	for _, g := range groupBy(parseStacks(dump), leakKey) {
		sb.WriteString(blocks[g.first.id])
		if g.count > 1 {
			fmt.Fprintf(&sb, "\n(and %s like this one)", plural(g.count-1, "more goroutine"))
		}
		sb.WriteString("\n\n")
	}
	return strings.TrimRight(sb.String(), "\n")
}

// rawBlocks splits a dump into the text of each goroutine, from its first
// line to the line before the next goroutine's.
func rawBlocks(dump string) []string {
	var blocks []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, strings.TrimRight(strings.Join(cur, "\n"), "\n ]"))
		}
		cur = nil
	}
	for _, line := range strings.Split(dump, "\n") {
		trimmed := strings.TrimLeft(line, " [")
		switch {
		case headerRE.MatchString(trimmed):
			flush()
			cur = append(cur, trimmed)
		case strings.HasPrefix(line, "found unexpected goroutines"):
			flush()
		case cur != nil:
			cur = append(cur, line)
		}
	}
	flush()
	return blocks
}
