package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// profiles are the files -cpuprofile, -trace, -mutexprofile and
// -blockprofile name; empty ones are off.
type profiles struct {
	cpu, trace, mutex, block string
}

// Sampling rates: a mutex profile records one contention event in
// mutexFraction; a block profile one blocking event per blockRate ns
// blocked. Both stay cheap enough to leave the overlay's figures honest.
const (
	mutexFraction = 10
	blockRate     = 10000
)

// start turns on what p asks for and returns the function that stops it
// and writes the files.
func (p profiles) start() (stop func() error, err error) {
	var stops []func() error
	stop = func() error {
		var errs []error
		for i := len(stops) - 1; i >= 0; i-- {
			errs = append(errs, stops[i]())
		}
		return errors.Join(errs...)
	}
	if p.cpu != "" {
		f, err := os.Create(p.cpu)
		if err != nil {
			return stop, fmt.Errorf("cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return stop, fmt.Errorf("cpuprofile: %w", err)
		}
		stops = append(stops, func() error { pprof.StopCPUProfile(); return f.Close() })
	}
	if p.trace != "" {
		f, err := os.Create(p.trace)
		if err != nil {
			return stop, fmt.Errorf("trace: %w", err)
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return stop, fmt.Errorf("trace: %w", err)
		}
		stops = append(stops, func() error { trace.Stop(); return f.Close() })
	}
	if p.mutex != "" {
		runtime.SetMutexProfileFraction(mutexFraction)
		stops = append(stops, func() error { return writeProfile("mutex", p.mutex) })
	}
	if p.block != "" {
		runtime.SetBlockProfileRate(blockRate)
		stops = append(stops, func() error { return writeProfile("block", p.block) })
	}
	return stop, nil
}

func writeProfile(name, file string) error {
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("%sprofile: %w", name, err)
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("%sprofile: %w", name, err)
	}
	return f.Close()
}
