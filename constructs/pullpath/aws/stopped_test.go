package aws

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/privatepull/privatepull/constructs/pullpath/aws/awstest"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// secrets a stopped task's message may carry, which no snapshot keeps.
const (
	leakToken  = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"
	leakSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	leakKeyID  = "ASIAIOSFODNN7EXAMPLE"
)

// layerTimeout is a layer download's timeout with a pre-signed URL.
func layerTimeout(addr string) string {
	return `CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/9a1b/5678?X-Amz-Security-Token=` + leakToken +
		`&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=` + leakKeyID + `%2F20261201%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=0123abcd": dial tcp ` + addr + `:443: i/o timeout ` + leakSecret
}

// withStopped gives the first service of acct n stopped tasks, one a
// minute back from 12:00.
func withStopped(acct *snapshot.Snapshot, n int) {
	s := &acct.ECS.Services[0]
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for i := range n {
		s.StoppedTasks = append(s.StoppedTasks, snapshot.Task{
			TaskArn:   fmt.Sprintf("arn:aws:ecs:eu-west-1:444455556666:task/app/%032x", i+1),
			StoppedAt: start.Add(-time.Duration(i) * time.Minute).Format(time.RFC3339), StopCode: "TaskFailedToStart",
			StoppedReason: layerTimeout("52.218.4.10"),
			Containers:    []snapshot.TaskContainer{{Name: "app", Reason: layerTimeout("52.218.4.10")}},
		})
	}
}

// More than 100 stopped tasks: ListTasks pages (100, then the rest) and
// DescribeTasks batches 100 ids a call; every message is redacted before
// it is stored, and the newest come first.
func TestStoppedTasksInBatchesOf100(t *testing.T) {
	acct := account(t, "aws-writeup-broken")
	withStopped(acct, 150)
	for _, c := range []struct{ n, list, describe, kept int }{{150, 2, 2, 150}, {120, 2, 2, 120}, {5, 1, 1, 5}, {0, 0, 0, 0}} {
		f := awstest.New(t, acct)
		s := read(t, f, Options{Stopped: c.n})
		if f.Count("ecs:ListTasks") != c.list || f.Count("ecs:DescribeTasks") != c.describe {
			t.Errorf("-stopped %d: %v", c.n, f.Calls())
		}
		got := s.ECS.Services[0].StoppedTasks
		if len(got) != c.kept {
			t.Fatalf("-stopped %d: %d tasks", c.n, len(got))
		}
		if c.n == 0 {
			continue
		}
		if got[0].StoppedAt != "2026-12-01T12:00:00Z" || got[0].StopCode != "TaskFailedToStart" || len(got[0].Containers) != 1 {
			t.Errorf("first task %+v", got[0])
		}
		raw, _ := json.Marshal(s)
		for _, leak := range []string{leakToken, leakSecret, leakKeyID, "0123abcd"} {
			if strings.Contains(string(raw), leak) {
				t.Errorf("-stopped %d: %q kept in the snapshot", c.n, leak)
			}
		}
		if !strings.Contains(string(raw), "dial tcp 52.218.4.10:443: i/o timeout") {
			t.Errorf("the address is lost")
		}
	}
}

// A refusal of the stopped tasks is a Denied, not an error, and the
// verdicts stay.
func TestStoppedTasksDenied(t *testing.T) {
	acct := account(t, "aws-writeup-broken")
	withStopped(acct, 3)
	f := awstest.New(t, acct)
	f.Deny["ecs:ListTasks"] = true
	s := read(t, f, Options{Stopped: 5})
	if len(s.Denied) != 1 || s.Denied[0].Action != "ecs:ListTasks" || len(s.ECS.Services[0].StoppedTasks) != 0 || f.Count("ecs:DescribeTasks") != 0 {
		t.Errorf("denied %+v, calls %v", s.Denied, f.Calls())
	}
	got, rep := verdicts(s)
	if got["app/app"] != "broken PRIVATEPULL-S3-EGRESS" {
		t.Errorf("verdicts %v", got)
	}
	var b strings.Builder
	rep.WriteText(&b)
	if !strings.Contains(b.String(), "    stopped: not read: ecs:ListTasks denied: the stopped tasks of service app are unknown\n") {
		t.Errorf("the refusal is not said:\n%s", b.String())
	}
}

// Read through the SDK, the stopped-task fixtures give their snapshots'
// verdicts and the same ties, messages redacted.
func TestStoppedFixturesReadLikeTheirSnapshots(t *testing.T) {
	for _, name := range []string{"aws-stopped-layer-timeout", "aws-stopped-not-found", "aws-stopped-endpoint-ingress", "aws-stopped-private-dns-off"} {
		t.Run(name, func(t *testing.T) {
			acct := account(t, name)
			f := awstest.New(t, acct)
			got := read(t, f, Options{Stopped: 5})
			want, wr := verdicts(acct)
			have, hr := verdicts(got)
			if !mapsEqual(have, want) {
				t.Errorf("read %v, want %v", have, want)
			}
			a, _ := json.Marshal(wr.Templates[0].Services[0].StoppedTasks)
			b, _ := json.Marshal(hr.Templates[0].Services[0].StoppedTasks)
			if string(a) != string(b) || len(a) < 10 {
				t.Errorf("stopped tasks read\n%s\nwant\n%s", b, a)
			}
			if f.Count("ecs:ListTasks") != 1 || f.Count("ecs:DescribeTasks") != 1 {
				t.Errorf("calls %v", f.Calls())
			}
		})
	}
}

// The formula with -stopped N: one ListTasks a service (a page holds up
// to 100), one DescribeTasks per cluster and 100 tasks listed, none for a
// cluster whose services have no stopped task.
func TestStoppedCallsFollowTheFormula(t *testing.T) {
	acct := account(t, "aws-30-services")
	f := awstest.New(t, acct)
	read(t, f, Options{Stopped: 5})
	if f.Count("ecs:ListTasks") != 30 || f.Count("ecs:DescribeTasks") != 0 {
		t.Errorf("no stopped task: %v", f.Calls())
	}
	for i := range acct.ECS.Services {
		s := &acct.ECS.Services[i]
		for j := range 2 {
			s.StoppedTasks = append(s.StoppedTasks, snapshot.Task{TaskArn: fmt.Sprintf("%s-task-%d", s.ServiceArn, j), StoppedAt: "2026-12-01T12:00:00Z", StoppedReason: "Essential container in task exited"})
		}
	}
	f = awstest.New(t, acct)
	s := read(t, f, Options{Stopped: 5})
	total := 0
	for _, n := range f.Calls() {
		total += n
	}
	if f.Count("ecs:ListTasks") != 30 || f.Count("ecs:DescribeTasks") != 3 || total != 94+30+3 {
		t.Errorf("two stopped tasks a service: %d calls: %v", total, f.Calls())
	}
	for _, sv := range s.ECS.Services {
		if len(sv.StoppedTasks) != 2 {
			t.Errorf("%s: %d stopped tasks", sv.ServiceName, len(sv.StoppedTasks))
		}
	}
}
