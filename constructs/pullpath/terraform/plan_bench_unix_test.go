//go:build unix

package terraform

import (
	"encoding/json"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// BenchmarkPlanReadOverDecode alternates a plain encoding/json decode and
// ReadPlan on the bytes of planBench(100), one of each per iteration, and
// reports ReadPlan's ratios to the decode: wall time, CPU time of the
// process (its garbage collection included) and bytes allocated. A busy
// machine skews the alternated CPU times far less than two benchmarks run
// one after the other:
//
//	go test ./constructs/pullpath/terraform -run '^$' -bench PlanReadOverDecode -count 5
func BenchmarkPlanReadOverDecode(b *testing.B) {
	data := planBench(100)
	var wall, cpu [2]time.Duration
	var bytes [2]uint64
	var ms runtime.MemStats
	alloc := func() uint64 { runtime.ReadMemStats(&ms); return ms.TotalAlloc }
	cpuNow := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	step := func(i int, f func() error) {
		a, c, t := alloc(), cpuNow(), time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		runtime.GC() // each pays for its own garbage
		wall[i] += time.Since(t)
		cpu[i] += cpuNow() - c
		bytes[i] += alloc() - a
	}
	for range b.N {
		step(0, func() error { var v any; return json.Unmarshal(data, &v) })
		step(1, func() error { _, err := ReadPlan("bench.json", data); return err })
	}
	b.ReportMetric(float64(wall[1])/float64(wall[0]), "wall-ratio")
	b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "cpu-ratio")
	b.ReportMetric(float64(bytes[1])/float64(bytes[0]), "alloc-ratio")
}
