package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var leakRE = regexp.MustCompile(`Goroutine \d+ in state ([^,]+), with (\S+) on top of the stack`)

// Leaks summarizes a goleak error: how many goroutines are left, grouped by
// the function they are stuck in and their state.
func Leaks(err error) string {
	count := map[string]int{}
	total := 0
	for _, m := range leakRE.FindAllStringSubmatch(err.Error(), -1) {
		fn := m[2]
		if i := strings.LastIndex(fn, "/"); i >= 0 {
			fn = fn[i+1:]
		}
		count[fmt.Sprintf("in %s (%s)", fn, m[1])]++
		total++
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", count[k], k)
	}
	return fmt.Sprintf("%d goroutines left: %s", total, strings.Join(parts, ", "))
}

// LeakStacks shortens a goleak error to one full stack per function and
// state, with how many more goroutines are stuck the same way: hundreds of
// identical stacks would bury the verdict.
func LeakStacks(err error) string {
	msg := strings.TrimSuffix(strings.TrimPrefix(err.Error(), "found unexpected goroutines:\n["), "]")
	entries := strings.Split(msg, "\n Goroutine ")
	seen := map[string]int{}
	var order []string
	first := map[string]string{}
	for i, e := range entries {
		if i > 0 {
			e = "Goroutine " + e
		}
		m := leakRE.FindStringSubmatch(e)
		key := e
		if m != nil {
			key = m[2] + " " + m[1]
		}
		if seen[key] == 0 {
			order = append(order, key)
			first[key] = strings.TrimSpace(e)
		}
		seen[key]++
	}
	var sb strings.Builder
	sb.WriteString("goroutines left running:\n")
	for _, k := range order {
		sb.WriteString(first[k])
		if n := seen[k] - 1; n > 0 {
			fmt.Fprintf(&sb, "\n(and %d more goroutines like this one)", n)
		}
		sb.WriteString("\n\n")
	}
	return strings.TrimRight(sb.String(), "\n")
}
