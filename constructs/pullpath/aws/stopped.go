package aws

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// readStopped reads the last Options.Stopped stopped tasks of every service
// read: per service, ListTasks with desiredStatus STOPPED and the service's
// name (pages of up to 100 until Stopped are listed or the token is gone),
// then per cluster DescribeTasks 100 ids a call. Each message is redacted
// (snapshot.Task.Redacted) before it is kept. A refusal is recorded as
// Denied and leaves the service with no stopped task. It runs beside the
// other reads, which read the services, and returns what puts the tasks on
// them, for after those reads.
func (r *reader) readStopped(ctx context.Context) (attach func()) {
	n := r.opts.Stopped
	if n <= 0 {
		return func() {}
	}
	services := r.s.ECS.Services
	byCluster := map[string][]string{}
	owner := map[string]int{} // task ARN to service index
	var clusters []string
	each(idxs(len(services)), func(i int) {
		s := services[i]
		var arns []string
		err := pages(func(token *string) (*string, error) {
			var next *string
			err := r.call(ctx, "ecs:ListTasks", s.ServiceArn, "the stopped tasks of service "+s.ServiceName, func(ctx context.Context) error {
				out, err := r.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(s.ClusterArn), ServiceName: aws.String(s.ServiceName),
					DesiredStatus: ecstypes.DesiredStatusStopped, MaxResults: aws.Int32(int32(min(100, n-len(arns)))), NextToken: token})
				if err == nil {
					arns = append(arns, out.TaskArns...)
					if len(arns) < n {
						next = out.NextToken
					}
				}
				return err
			})
			return next, err
		})
		r.fail("ecs:ListTasks", err)
		if len(arns) > n {
			arns = arns[:n]
		}
		r.locked(func() {
			if _, ok := byCluster[s.ClusterArn]; !ok {
				clusters = append(clusters, s.ClusterArn)
			}
			for _, a := range arns {
				if _, dup := owner[a]; !dup {
					owner[a] = i
					byCluster[s.ClusterArn] = append(byCluster[s.ClusterArn], a)
				}
			}
		})
	})
	slices.Sort(clusters)
	type batch struct {
		cluster string
		arns    []string
	}
	var batches []batch
	for _, c := range clusters {
		for _, b := range chunks(byCluster[c], 100) {
			batches = append(batches, batch{c, b})
		}
	}
	tasks := make([][]snapshot.Task, len(services))
	each(batches, func(b batch) {
		err := r.call(ctx, "ecs:DescribeTasks", b.cluster, "the stopped tasks of cluster "+lastPart(b.cluster), func(ctx context.Context) error {
			out, err := r.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(b.cluster), Tasks: b.arns})
			if err != nil {
				return err
			}
			r.locked(func() {
				for _, t := range out.Tasks {
					i, ok := owner[aws.ToString(t.TaskArn)]
					if ok {
						tasks[i] = append(tasks[i], stoppedTask(t))
					}
				}
			})
			return nil
		})
		r.fail("ecs:DescribeTasks", err)
	})
	return func() {
		for i := range services {
			ts := tasks[i]
			slices.SortStableFunc(ts, func(a, b snapshot.Task) int {
				if c := strings.Compare(b.StoppedAt, a.StoppedAt); c != 0 {
					return c
				}
				return strings.Compare(a.TaskArn, b.TaskArn)
			})
			r.s.ECS.Services[i].StoppedTasks = ts
		}
	}
}

// stoppedTask keeps what says why a task stopped, redacted.
func stoppedTask(t ecstypes.Task) snapshot.Task {
	x := snapshot.Task{TaskArn: aws.ToString(t.TaskArn), StopCode: string(t.StopCode), StoppedReason: aws.ToString(t.StoppedReason)}
	if t.StoppedAt != nil {
		x.StoppedAt = t.StoppedAt.UTC().Format(time.RFC3339)
	}
	for _, c := range t.Containers {
		x.Containers = append(x.Containers, snapshot.TaskContainer{Name: aws.ToString(c.Name), Reason: aws.ToString(c.Reason)})
	}
	return x.Redacted()
}
