package boids

import (
	"testing"
	"unsafe"
)

// TestShardLines checks what shard's comment promises: one band's lock and
// counters fill one cache line, and an array of them starts on a line, at
// every band count, so no two bands share a line.
func TestShardLines(t *testing.T) {
	if size := unsafe.Sizeof(shard{}); size != 64 {
		t.Fatalf("shard is %d bytes, want 64", size)
	}
	for n := 1; n <= MaxShards; n++ {
		s := make([]shard, n)
		if a := uintptr(unsafe.Pointer(&s[0])) % 64; a != 0 {
			t.Errorf("%d shards start %d bytes into a cache line", n, a)
		}
	}
}
