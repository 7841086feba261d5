package check

import "sync"

// workers starts n goroutines in this file that run until quit is closed,
// and returns a WaitGroup that counts them.
func workers(n int, quit chan struct{}) *sync.WaitGroup {
	wg := &sync.WaitGroup{}
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-quit
		}()
	}
	return wg
}
