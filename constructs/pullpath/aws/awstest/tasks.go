package awstest

import (
	"strconv"
	"time"
)

// tasks answers ListTasks (the stopped tasks of one service, maxResults a
// page, 100 by default and at most) and DescribeTasks (at most 100 ids, of
// one cluster) from the services' StoppedTasks, with stoppedAt in epoch
// seconds as the JSON protocol sends timestamps. msg is an
// InvalidParameterException's message.
func (f *Server) tasks(action string, str func(string) string, list func(string) []string, in map[string]any) (out any, msg string) {
	a := f.acct
	cluster := str("cluster")
	if action == "ecs:ListTasks" {
		arns := []string{}
		if str("desiredStatus") == "STOPPED" {
			for _, s := range a.ECS.Services {
				if s.ClusterArn == cluster && (str("serviceName") == "" || s.ServiceName == str("serviceName")) {
					for _, t := range s.StoppedTasks {
						arns = append(arns, t.TaskArn)
					}
				}
			}
		}
		size := 100
		if n, ok := in["maxResults"].(float64); ok {
			if n < 1 || n > 100 {
				return nil, "maxResults must be between 1 and 100"
			}
			size = int(n)
		}
		start, _ := strconv.Atoi(str("nextToken"))
		end := min(start+size, len(arns))
		res := map[string]any{"taskArns": arns[min(start, end):end]}
		if end < len(arns) {
			res["nextToken"] = strconv.Itoa(end)
		}
		return res, ""
	}
	ids := list("tasks")
	if len(ids) > 100 {
		return nil, "tasks can have at most 100 items"
	}
	tasks, failures := []any{}, []any{}
	for _, id := range ids {
		found := false
		for _, s := range a.ECS.Services {
			if s.ClusterArn != cluster {
				continue
			}
			for _, t := range s.StoppedTasks {
				if t.TaskArn != id {
					continue
				}
				found = true
				x := map[string]any{"taskArn": t.TaskArn, "clusterArn": cluster, "group": "service:" + s.ServiceName, "lastStatus": "STOPPED",
					"desiredStatus": "STOPPED", "launchType": "FARGATE", "stopCode": t.StopCode, "stoppedReason": t.StoppedReason}
				if ts, err := time.Parse(time.RFC3339, t.StoppedAt); err == nil {
					x["stoppedAt"] = float64(ts.Unix())
				}
				var cs []any
				for _, c := range t.Containers {
					cs = append(cs, map[string]any{"name": c.Name, "reason": c.Reason, "lastStatus": "STOPPED"})
				}
				x["containers"] = cs
				tasks = append(tasks, x)
			}
		}
		if !found {
			failures = append(failures, map[string]any{"arn": id, "reason": "MISSING"})
		}
	}
	return map[string]any{"tasks": tasks, "failures": failures}, ""
}
