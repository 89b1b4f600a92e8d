package snapshot

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
	"github.com/privatepull/privatepull/constructs/pullpath/explain"
)

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

// stoppedTasks maps the stopped tasks of service s onto x: each message is
// redacted and classified (package explain), and the address of its
// `dial tcp A:443` placed against what the snapshot shows: S3's prefix
// list, the VPC's blocks and its endpoints' subnets, or a public address.
func (mp *mapper) stoppedTasks(x *pullpath.Service, s Service) {
	x.StoppedWhy = cmpOr(mp.why("ecs:ListTasks", s.ServiceArn), mp.why("ecs:DescribeTasks", s.ClusterArn))
	for _, t := range s.StoppedTasks {
		x.Stopped = append(x.Stopped, mp.stoppedTask(x, t.Redacted()))
	}
}

// The rules that a connection dropped inside the VPC or sent to a public
// address can be.
var (
	droppedInside = []string{"PRIVATEPULL-ENDPOINT-EGRESS", "PRIVATEPULL-ENDPOINT-INGRESS", "PRIVATEPULL-NETWORK-ACL", "PRIVATEPULL-S3-INTERFACE"}
	layerRules    = []string{"PRIVATEPULL-S3-EGRESS", "PRIVATEPULL-S3-GATEWAY", "PRIVATEPULL-S3-INTERFACE", "PRIVATEPULL-NETWORK-ACL", "PRIVATEPULL-S3-POLICY"}
)

func (mp *mapper) stoppedTask(svc *pullpath.Service, t Task) *pullpath.StoppedTask {
	msgs := []string{t.StoppedReason}
	for _, c := range t.Containers {
		msgs = append(msgs, c.Reason)
	}
	e, have := explain.Explanation{}, false
	for _, m := range msgs {
		if strings.TrimSpace(m) == "" {
			continue
		}
		x := explain.Message(m)
		better := !have || (x.Cause != nil && e.Cause == nil) || (x.Cause != nil && x.Addr.IsValid() && !e.Addr.IsValid())
		if better {
			e, have = x, true
		}
	}
	st := &pullpath.StoppedTask{Task: t.TaskArn[strings.LastIndexByte(t.TaskArn, '/')+1:], ARN: t.TaskArn, StoppedAt: t.StoppedAt, StopCode: t.StopCode, Message: e.Message}
	if e.Cause != nil {
		st.Cause, st.What, st.Outside, st.Rules = e.Cause.ID, e.Cause.What, e.Cause.Outside, e.Cause.Rules
	}
	failure := failureOf(e.Message)
	if !e.Addr.IsValid() {
		st.Failure = failure
		if e.Host != "" {
			st.Failure += " to " + e.Host
		}
		return st
	}
	a := e.Addr
	st.Addr = a.String()
	vpc := pullpath.ServiceVPC(svc)
	pl, inS3 := mp.s3Holds(a)
	switch {
	case !inS3 && e.Cause != nil && e.Cause.Leg == "layers":
		st.Place = e.Place // S3's blocks were not read, or the layers came from elsewhere
		st.Failure = failure + " to " + st.Addr
	case inS3:
		st.Place = "S3's ranges (prefix list " + pl + "): the layer download"
		st.Failure = failure + " to " + st.Addr + " (S3, " + pl + ")"
		if e.Cause == nil || e.Cause.Leg != "layers" {
			st.Rules = layerRules
		}
	case vpc != nil && inBlocks(vpc.CIDRs, a):
		st.Place = "a private address of VPC " + vpc.ID + ": an endpoint was reached, but a security group or network ACL drops the connection"
		where := "VPC " + vpc.ID
		if ep := mp.endpointAt(vpc, a, e.Host); ep != nil {
			st.Endpoint = &ep.Node
			st.Place = "a private address of interface endpoint " + ep.ID + " (" + ep.ServiceName + "): it was reached, but a security group or network ACL drops the connection"
			where = ep.ID + ", " + ep.Service
		}
		st.Failure = failure + " to " + st.Addr + " (" + where + ")"
		st.Rules = keep(st.Rules, droppedInside)
	case pullpath.PrivateAddr(a):
		st.Place = "a private address outside the VPC's blocks: a peered VPC, a shared endpoint, or what custom DNS servers answered"
		st.Failure = failure + " to " + st.Addr
	default:
		st.Place = "a public address: the name did not resolve to an interface endpoint (none, private DNS off, the VPC's DNS attributes off, or DNS servers that do not forward), and the tasks have no way out to it"
		st.Failure = failure + " to " + st.Addr + " (public"
		if e.Host != "" {
			st.Failure += ", " + e.Host
		}
		st.Failure += ")"
		st.Rules = drop(st.Rules, append(slices.Clone(droppedInside[:2]), layerRules...))
	}
	return st
}

// failureOf names what failed, from the message's words.
func failureOf(msg string) string {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "toomanyrequests") || strings.Contains(m, "429 too many"):
		return "the rate limit"
	case strings.Contains(m, "timeout") || strings.Contains(m, "timed out") || strings.Contains(m, "deadline exceeded") || strings.Contains(m, "request canceled"):
		return "the timeout"
	case strings.Contains(m, "403") || strings.Contains(m, "forbidden") || strings.Contains(m, "accessdenied") || strings.Contains(m, "not authorized"):
		return "the refusal"
	case strings.Contains(m, "not found") || strings.Contains(m, "manifest unknown") || strings.Contains(m, "does not exist"):
		return "the missing image"
	}
	return "the stop"
}

// s3Holds says whether a lies in the region's S3 prefix list as read, and
// which list that is.
func (mp *mapper) s3Holds(a netip.Addr) (string, bool) {
	for _, pl := range mp.s.EC2.PrefixLists {
		if pl.PrefixListName != "com.amazonaws."+mp.s.Region+".s3" {
			continue
		}
		for _, en := range pl.Entries {
			if p, err := netip.ParsePrefix(en.Cidr); err == nil && p.Contains(a) {
				return pl.PrefixListId, true
			}
		}
	}
	return "", false
}

// endpointAt is the interface endpoint of vpc whose subnets hold a, of
// the service host names when it names one, or nil when none or several
// are.
func (mp *mapper) endpointAt(vpc *pullpath.VPC, a netip.Addr, host string) *pullpath.Endpoint {
	svc := hostService(host, mp.s.Region)
	var found []*pullpath.Endpoint
	for _, ep := range mp.m.Endpoints {
		if ep.VPC != vpc || ep.Type != "Interface" || (svc != "" && ep.Service != svc) {
			continue
		}
		if slices.ContainsFunc(ep.Subnets, func(sn *pullpath.Subnet) bool { return sn.CIDR.P.IsValid() && sn.CIDR.P.Contains(a) }) {
			found = append(found, ep)
		}
	}
	if len(found) != 1 {
		return nil
	}
	return found[0]
}

// hostService is the endpoint service a host of the region is served by
// ("ecr.dkr" for ACCOUNT.dkr.ecr.REGION.amazonaws.com), or "".
func hostService(host, region string) string {
	h := strings.ToLower(host)
	suffix := "." + region + ".amazonaws.com"
	if !strings.HasSuffix(h, suffix) {
		return ""
	}
	h = strings.TrimSuffix(h, suffix)
	switch {
	case strings.HasSuffix(h, ".dkr.ecr"):
		return "ecr.dkr"
	case h == "api.ecr":
		return "ecr.api"
	case strings.Contains(h, "."):
		return ""
	}
	return h // logs, secretsmanager, ssm, kms, ...
}

func inBlocks(blocks []pullpath.CIDR, a netip.Addr) bool {
	return slices.ContainsFunc(blocks, func(c pullpath.CIDR) bool { return c.P.IsValid() && c.P.Contains(a) })
}

// keep is rules narrowed to those of only, or only when none is left.
func keep(rules, only []string) []string {
	var out []string
	for _, r := range rules {
		if slices.Contains(only, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return only
	}
	return out
}

// drop is rules without those of not.
func drop(rules, not []string) []string {
	var out []string
	for _, r := range rules {
		if !slices.Contains(not, r) {
			out = append(out, r)
		}
	}
	return out
}
