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
	for _, gw := range r.idle {
		// one finding for the cause, whichever launchers it strands
		j.find("PRIVATEPULL-S3-GATEWAY", "error", &gw.Node,
			fmt.Sprintf("S3 gateway endpoint %s is on route tables (%s) that no subnet uses: it serves nothing, so tasks in the VPC get no route to S3 through it for the image layers", gw.ID, names(gw.RouteTables)),
			Change{Kind: PutGatewayOnTaskRouteTables, Tasks: &j.s.Node})
	}
	// the idle gateway's finding says it all when the tasks have no other
	// way to the layers
	stranded := len(r.idle) > 0 && j.out != Yes && r.sure
	switch r.covered {
	case No:
		if len(r.gateways) == 0 && len(r.interfaces) > 0 {
			return // PRIVATEPULL-S3-INTERFACE
		}
		if !stranded {
			j.uncoveredS3("PRIVATEPULL-S3-GATEWAY")
		}
	case Unknown:
		if !stranded {
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
		what := fmt.Sprintf("%s's subnets use route tables (%s) that no S3 gateway endpoint of VPC %s covers", j.who(), strings.Join(r.uncovered, ", "), v.ID)
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
		j.layersNoRoute()
		return
	}
	j.s3Out = reach(s.Groups, s.GroupsWhy, true, j.toS3)
	switch j.s3Out {
	case No:
		j.find("PRIVATEPULL-S3-EGRESS", "error", &s.Node,
			fmt.Sprintf("%s's security groups (%s) have no tcp/443 egress to the S3 managed prefix list com.amazonaws.%s.s3, while the S3 gateway's route captures the image layers: the pull fails with CannotPullContainerError ... prod-%s-starport-layer-bucket.s3... i/o timeout", j.who(), names(s.Groups), j.regionOr(), j.regionOr()),
			Change{Kind: AllowEgressToS3, Region: j.regionOr()})
	case Unknown:
		j.unknown("tcp/443 from the tasks to the S3 prefix list", cmp.Or(s.GroupsWhy, groupsWhy(s.Groups, true), j.plWhy, "a rule the set cannot compare"))
	}
}

// layersNoRoute judges the layer leg when the S3 gateway's route is not
// known to capture it: task groups that send tcp/443 to no address of S3
// break it whatever the VPC, its routes and its endpoints are.
func (j *judgement) layersNoRoute() {
	if !j.layersUnreachable() {
		return
	}
	s := j.s
	j.s3Out = No
	j.find("PRIVATEPULL-S3-EGRESS", "error", &s.Node,
		fmt.Sprintf("ECS service %s's security groups (%s) allow tcp/443 to no address of S3 (neither the S3 managed prefix list com.amazonaws.%s.s3 nor 0.0.0.0/0): image layers come from S3 (prod-%s-starport-layer-bucket) through an S3 gateway, a NAT or an internet gateway, and each needs that egress, so the pull fails with CannotPullContainerError whatever the VPC and its routes are", s.ID, names(s.Groups), j.regionOr(), j.regionOr()),
		Change{Kind: AllowEgressToS3, Region: j.regionOr()})
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
