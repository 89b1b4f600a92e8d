package snapshot

import (
	"os"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// A set reads back to its snapshots and failures; the reader judges it as
// one, an environment each, and a version 1 file is a set of one.
func TestSetsReadAsOne(t *testing.T) {
	raw, err := os.ReadFile(fixtures + "aws-writeup-broken.snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	one, err := DecodeAll(raw)
	if err != nil || len(one.Snapshots) != 1 || len(one.Failed) != 0 {
		t.Fatalf("version 1: %v %+v", err, one)
	}
	other := *one.Snapshots[0]
	other.Region = "us-east-1"
	set := &Set{Snapshots: []*Snapshot{one.Snapshots[0], &other}, Failed: []Failure{
		{Account: "111122223333", Reason: "sts:AssumeRole arn:aws:iam::111122223333:role/PullCheck: AccessDenied: no"},
		{Account: "444455556666", Region: "ap-south-1", Reason: "ecs:ListClusters: ThrottlingException: Rate exceeded (after 3 attempts)"},
	}}
	out, err := EncodeSet(set)
	if err != nil || !strings.HasPrefix(string(out), "{\n  \"pullcheckSnapshot\": 2,") {
		t.Fatalf("%v\n%s", err, out)
	}
	r := NewReader()
	src := &pullpath.Source{Path: "set.json", Data: out}
	if !r.Takes(src) {
		t.Fatal("a set is not taken as a snapshot")
	}
	if err := r.Read(src); err != nil {
		t.Fatal(err)
	}
	rep := pullpath.Judge(r.Model())
	var got []string
	for _, tr := range rep.Templates {
		got = append(got, tr.Path+" "+strings.Join(tr.Hidden, ";"))
	}
	want := "aws://444455556666/eu-west-1 |aws://444455556666/us-east-1 |" +
		"aws://111122223333 not read: sts:AssumeRole arn:aws:iam::111122223333:role/PullCheck: AccessDenied: no|" +
		"aws://444455556666/ap-south-1 not read: ecs:ListClusters: ThrottlingException: Rate exceeded (after 3 attempts)"
	if strings.Join(got, "|") != want {
		t.Errorf("environments\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	if len(rep.Templates[1].Services) != 1 || rep.Templates[1].Services[0].Verdict != pullpath.Broken {
		t.Errorf("us-east-1: %+v", rep.Templates[1].Services)
	}
}
