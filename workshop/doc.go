// Package workshop holds a hands-on Go concurrency workshop on the boids
// flock: numbered exercises, each with a README, one file to edit, a
// checker (go test -race -tags workshop) and a reference solution under
// solutions/. See README.md.
//
// The test in this directory tests the checkers themselves: every checker
// must pass on its reference solution and fail, with its verdict, on the
// untouched starter and on each plausible wrong fix in testdata/wrong.
package workshop
