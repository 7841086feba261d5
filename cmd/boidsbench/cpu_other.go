//go:build !unix

package main

// processCPU is unknown here: the cpu ns/update column shows "-".
func processCPU() float64 { return nan }
