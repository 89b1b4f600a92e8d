package snapshot

import "github.com/privatepull/privatepull/constructs/pullpath/explain"

// Task is a stopped task of a service (ECS ListTasks with desiredStatus
// STOPPED, then DescribeTasks), with what says why it stopped. Every
// message is redacted (explain.Redact) before it is stored: a pre-signed
// URL's query string and secret-shaped strings never reach a snapshot.
type Task struct {
	TaskArn string `json:"taskArn"`
	// StoppedAt is when it stopped, in RFC 3339, "" when ECS did not say.
	StoppedAt     string          `json:"stoppedAt,omitempty"`
	StopCode      string          `json:"stopCode,omitempty"`
	StoppedReason string          `json:"stoppedReason,omitempty"`
	Containers    []TaskContainer `json:"containers,omitempty"`
}

// TaskContainer is one container of a stopped task and its reason.
type TaskContainer struct {
	Name   string `json:"name"`
	Reason string `json:"reason,omitempty"`
}

// Redacted returns t with every message redacted.
func (t Task) Redacted() Task {
	t.StoppedReason = explain.Redact(t.StoppedReason)
	cs := make([]TaskContainer, len(t.Containers))
	for i, c := range t.Containers {
		cs[i] = TaskContainer{Name: c.Name, Reason: explain.Redact(c.Reason)}
	}
	if t.Containers != nil {
		t.Containers = cs
	}
	return t
}

// redactTasks redacts the stopped tasks of every service of s in place.
func redactTasks(s *Snapshot) {
	for i := range s.ECS.Services {
		for j, t := range s.ECS.Services[i].StoppedTasks {
			s.ECS.Services[i].StoppedTasks[j] = t.Redacted()
		}
	}
}
