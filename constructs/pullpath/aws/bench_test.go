package aws

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/privatepull/privatepull/constructs/pullpath/aws/awstest"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// accountOf returns the 30-service fixture account grown or cut to n
// services, 10 a cluster, each with its task definition and repository,
// one execution role a cluster.
func accountOf(b *testing.B, n int) *snapshot.Snapshot {
	s := account(b, "aws-30-services")
	svc, td, im := s.ECS.Services[0], s.ECS.TaskDefinitions[0], s.ECR.Images[0]
	cl, role := s.ECS.Clusters[0], s.IAM.Roles[0]
	s.ECS = snapshot.ECS{}
	s.IAM.Roles = nil
	s.ECR.Images = nil
	for i := range n {
		c := i / 10
		if i%10 == 0 {
			cl.ClusterName = fmt.Sprintf("cluster-%d", c)
			cl.ClusterArn = "arn:aws:ecs:eu-west-1:444455556666:cluster/" + cl.ClusterName
			s.ECS.Clusters = append(s.ECS.Clusters, cl)
			role.RoleName = fmt.Sprintf("execution-%d", c)
			role.Arn = "arn:aws:iam::444455556666:role/" + role.RoleName
			s.IAM.Roles = append(s.IAM.Roles, role)
		}
		name := fmt.Sprintf("svc-%03d", i)
		x := svc
		x.ServiceName, x.ClusterArn = name, cl.ClusterArn
		x.ServiceArn = "arn:aws:ecs:eu-west-1:444455556666:service/" + cl.ClusterName + "/" + name
		x.TaskDefinition = "arn:aws:ecs:eu-west-1:444455556666:task-definition/" + name + ":1"
		x.Deployments = nil
		s.ECS.Services = append(s.ECS.Services, x)
		t := td
		t.TaskDefinitionArn, t.Family, t.ExecutionRoleArn = x.TaskDefinition, name, role.Arn
		c0 := t.ContainerDefinitions[0]
		c0.Image = "444455556666.dkr.ecr.eu-west-1.amazonaws.com/" + name + ":v1"
		t.ContainerDefinitions = []snapshot.ContainerDefinition{c0}
		s.ECS.TaskDefinitions = append(s.ECS.TaskDefinitions, t)
		y := im
		y.RepositoryName = name
		s.ECR.Images = append(s.ECR.Images, y)
	}
	return s
}

// BenchmarkRead50ms reads accounts of 1, 10, 30 and 100 services from a
// server that answers each call after 50 ms, at the default concurrency:
// go test ./constructs/pullpath/aws -run '^$' -bench Read50ms -benchtime 3x
func BenchmarkRead50ms(b *testing.B) {
	for _, n := range []int{1, 10, 30, 100} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			f := awstest.New(b, accountOf(b, n))
			f.Latency = 50 * time.Millisecond
			for b.Loop() {
				if _, err := Read(context.Background(), f.Config(), Options{}); err != nil {
					b.Fatal(err)
				}
			}
			total := 0
			for _, c := range f.Calls() {
				total += c
			}
			b.ReportMetric(float64(total)/float64(b.N), "calls/op")
		})
	}
}
