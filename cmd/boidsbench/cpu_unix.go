//go:build unix

package main

import "syscall"

// processCPU is the CPU time the process has used, user and system, in
// seconds. The runtime's /cpu/classes metrics would do without a system
// call, but they advance only at garbage collections.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return nan
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
