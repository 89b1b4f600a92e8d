package snapshot

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// FuzzReadSnapshot reads arbitrary documents as snapshots and judges what
// it reads: no input may panic the reader or the judge.
func FuzzReadSnapshot(f *testing.F) {
	files, _ := filepath.Glob(fixtures + "aws-*.snapshot.json")
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(`{"pullcheckSnapshot": 1, "account": "1", "region": "r", "ecs": {"services": [{"clusterArn": "", "serviceName": "s"}]}}`))
	f.Add([]byte(`{"pullcheckSnapshot": 1, "account": "1", "region": "r", "ec2": {"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [{"NatGatewayId": "nat-1"}]}]}}`))
	f.Add([]byte(`{"pullcheckSnapshot": 2, "snapshots": [{"pullcheckSnapshot": 1, "account": "1", "region": "r"}], "failed": [{"account": "2", "reason": "x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader()
		src := &pullpath.Source{Path: "fuzz.json", Data: data}
		if !r.Takes(src) {
			return
		}
		if r.Read(src) != nil {
			return
		}
		rep := pullpath.Judge(r.Model())
		_ = rep.Mermaid()
	})
}
