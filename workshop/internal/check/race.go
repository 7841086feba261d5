//go:build race

package check

// Race reports whether the binary was built with the race detector.
const Race = true
