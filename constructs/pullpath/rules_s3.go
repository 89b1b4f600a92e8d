package pullpath

import (
	"cmp"
	"fmt"
	"strings"
)

// s3Gateway is the rule that an S3 gateway endpoint is on the route tables
// of the task subnets, and that a gateway of the VPC serves some subnet.
func (j *judgement) s3Gateway() {
	r := j.s3
	if r == nil {
		return
	}
	s := j.s
	for _, gw := range r.idle {
		j.find("PRIVATEPULL-S3-GATEWAY", "error", &gw.Node,
			fmt.Sprintf("S3 gateway endpoint %s is on route tables (%s) that no subnet uses: it serves nothing, and ECS service %s's tasks get no route to S3 through it for the image layers", gw.ID, names(gw.RouteTables), s.ID),
			Change{Kind: PutGatewayOnTaskRouteTables, Tasks: &s.Node})
	}
	idleFinding := func(what string) bool {
		if len(r.idle) == 0 || j.out == Yes || !r.sure {
			return false
		}
		j.find("PRIVATEPULL-S3-GATEWAY", "error", &s.Node,
			fmt.Sprintf("ECS service %s: %s, and the VPC's S3 gateway %s serves no subnet: the tasks get no route to S3 for the image layers, and the pull fails with CannotPullContainerError", s.ID, what, r.idle[0].ID),
			Change{Kind: AddTaskRouteTablesToGateway})
		return true
	}
	switch r.covered {
	case No:
		if len(r.gateways) == 0 && len(r.interfaces) > 0 {
			return // PRIVATEPULL-S3-INTERFACE
		}
		if !idleFinding("its subnets use route tables (" + strings.Join(r.uncovered, ", ") + ") that no S3 gateway covers") {
			j.uncoveredS3("PRIVATEPULL-S3-GATEWAY")
		}
	case Unknown:
		if !idleFinding("whatever route tables its subnets use") {
			j.unknown("S3 gateway on the task route tables", r.why)
		}
	}
}

// s3Interface is the rule that an S3 interface endpoint does not stand in
// for the gateway: ECR serves layers through the gateway only.
func (j *judgement) s3Interface() {
	if r := j.s3; r != nil && r.covered == No && len(r.gateways) == 0 && len(r.interfaces) > 0 {
		j.uncoveredS3("PRIVATEPULL-S3-INTERFACE")
	}
}

// uncoveredS3 judges task route tables that no S3 gateway covers.
func (j *judgement) uncoveredS3(rule string) {
	r, v, s := j.s3, j.vpc, j.s
	switch {
	case !r.sure:
		if j.out != Yes {
			j.unknown("S3 gateway", "none on the task route tables; whether the tasks pull from ECR: the image")
		}
	case v.Ext != "" || j.hidden() != "":
		j.unknown("S3 gateway", cmp.Or(v.Ext, j.hidden()))
	case j.out == Unknown:
		j.unknown("S3 gateway", "none on the task route tables, and "+j.via)
	default:
		what := fmt.Sprintf("ECS service %s's subnets use route tables (%s) that no S3 gateway endpoint of VPC %s covers", s.ID, strings.Join(r.uncovered, ", "), v.ID)
		if rule == "PRIVATEPULL-S3-INTERFACE" {
			what += fmt.Sprintf(", and its S3 interface endpoint (%s) cannot serve ECR layers", r.interfaces[0].ID)
		}
		fix := Change{Kind: AddS3Gateway, Region: j.regionOr()}
		if j.out == Yes {
			j.find(rule, "warning", &s.Node, what+": image layers go out through "+j.via, fix)
			j.goesOut("image layers")
			return
		}
		j.find(rule, "error", &s.Node, what+fmt.Sprintf(": image layers come from S3 (prod-%s-starport-layer-bucket) and the tasks have no way out (%s), so the pull fails with CannotPullContainerError", j.regionOr(), j.via), fix)
	}
}

// s3Egress is the rule that the task groups send tcp/443 to the S3
// prefix list when the gateway's route captures the layers: the classic bug.
func (j *judgement) s3Egress() {
	r, s := j.s3, j.s
	if r == nil || r.covered != Yes {
		return
	}
	j.s3Out = reach(s.Groups, s.GroupsWhy, true, func(x *Rule) Tri { return toS3(x, j.vpc, &j.s3List) })
	switch j.s3Out {
	case No:
		j.find("PRIVATEPULL-S3-EGRESS", "error", &s.Node,
			fmt.Sprintf("ECS service %s's security groups (%s) have no tcp/443 egress to the S3 managed prefix list com.amazonaws.%s.s3, while the S3 gateway's route captures the image layers: the pull fails with CannotPullContainerError ... prod-%s-starport-layer-bucket.s3... i/o timeout", s.ID, names(s.Groups), j.regionOr(), j.regionOr()),
			Change{Kind: AllowEgressToS3, Region: j.regionOr()})
	case Unknown:
		j.unknown("tcp/443 from the tasks to the S3 prefix list", cmp.Or(s.GroupsWhy, groupsWhy(s.Groups, true), "a rule the set cannot compare"))
	}
}

// s3Policies is the rule that the gateways on the task route tables let
// the layer bucket through.
func (j *judgement) s3Policies() {
	if j.s3 == nil || j.s3.covered != Yes {
		return
	}
	for _, gw := range j.s3.on {
		if gw.CountWhy != "" {
			j.unknown("S3 gateway "+gw.ID, "it may be created zero times: "+gw.CountWhy)
		}
		j.s3Policy(gw)
	}
}
