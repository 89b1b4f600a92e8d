package pullpath

import "strings"

// dnsLabels give the DNS name each endpoint service answers, with
// REGION and SUFFIX to fill in (ECR's Docker registry is per account).
var dnsLabels = map[string]string{
	"ecr.api": "api.ecr.REGION.SUFFIX",
	"ecr.dkr": "ACCOUNT.dkr.ecr.REGION.SUFFIX",
}

// dnsName is the name the tasks resolve for endpoint service svc
// ("api.ecr.eu-west-1.amazonaws.com"), the region filled in when known.
func (j *judgement) dnsName(svc string) string {
	name, ok := dnsLabels[svc]
	if !ok {
		name = svc + ".REGION.SUFFIX"
	}
	suffix := "amazonaws.com"
	switch {
	case j.region != "":
		suffix = URLSuffixOf(j.region)
	case j.s.In.PartitionHint == "aws-cn":
		suffix = "amazonaws.com.cn"
	}
	account := "ACCOUNT"
	if len(j.ecr) > 0 && !strings.Contains(j.ecr[0].account, "${") {
		account = j.ecr[0].account
	} else if j.s.In.Account != "" {
		account = j.s.In.Account
	}
	return strings.NewReplacer("REGION", j.regionOr(), "SUFFIX", suffix, "ACCOUNT", account).Replace(name)
}

// dnsNames lists the names of the services the tasks need.
func (j *judgement) dnsNames() string {
	var out []string
	for _, n := range j.needs {
		out = append(out, j.dnsName(n.svc))
	}
	if len(out) == 0 {
		return "the AWS names"
	}
	return strings.Join(out, ", ")
}

// routesText says where a route table sends traffic, for a subnet that has
// no route to an internet gateway.
func routesText(rt *RouteTable) string {
	if len(rt.Routes) == 0 {
		return "route table " + rt.Name() + " has only the local route"
	}
	var parts []string
	for _, r := range rt.Routes {
		parts = append(parts, r.Dest.String()+" to "+r.TargetID)
	}
	return "route table " + rt.Name() + " sends " + strings.Join(parts, ", ") + " and nothing to an internet gateway"
}

// offersNAT says which fixes a NAT gateway stuck in a subnet with no
// internet route may stand in for: the endpoints and paths the tasks lack.
var offersNAT = map[ChangeKind]bool{AddInterfaceEndpoint: true, AddS3Gateway: true, CopyImageToECR: true, WarmCache: true}

// serviceName is an endpoint's service name as written, with the region
// filled in where the set knows it and the name writes a placeholder.
func (j *judgement) serviceName(e *Endpoint) string {
	if e.Service != "" && j.region != "" && strings.Contains(e.ServiceName, "${") {
		return "com.amazonaws." + j.region + "." + e.Service
	}
	return e.ServiceName
}

// named fills the partition placeholder of a message in where the set
// names the region (an ECR host, an endpoint service) though the stack's
// own environment is unknown.
func (j *judgement) named(msg string) string {
	if j.s.In.Region != "" || j.region == "" {
		return msg
	}
	return strings.ReplaceAll(msg, j.s.In.Dialect.Placeholder(Partition), PartitionOf(j.region))
}
