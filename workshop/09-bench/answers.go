// Package bench holds your answers to exercise 9, read a benchmark. The
// questions are about testdata/bench.txt, a run of the project's
// BenchmarkFlock on a shared 2-core machine; the checker compares.
package bench

const (
	// Q1. benchstat -col /gomaxprocs testdata/bench.txt: by how many
	// percent does the mutex design's sec/boid-tick change from
	// GOMAXPROCS 1 to 2? As benchstat prints it, e.g. "-12.5".
	MutexChange = ""

	// Q2. Is that change significant at benchstat's level (p below 0.05,
	// rather than "~")? "yes" or "no".
	MutexChangeSignificant = ""

	// Q3. Compare the designs (README.md: rename the sub-benchmarks so that
	// benchstat can use -col /design). At GOMAXPROCS 2, does this data
	// show lockfree faster than mutex? "yes" or "no".
	LockfreeFaster = ""

	// Q4. Which design's sec/boid-tick row has the widest ± (at either
	// GOMAXPROCS), and how wide is it, in percent, e.g. "35"?
	WidestRow     = ""
	WidestPercent = ""
)
