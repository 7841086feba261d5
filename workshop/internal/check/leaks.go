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
