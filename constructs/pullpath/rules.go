package pullpath

// rules are the pull-path rules, in the order they run. Each is one small
// function over the path of the service being judged (see facts): it
// records findings, unknowns and what goes out, by the tasks' way out.
var rules = []struct {
	id    string
	check func(*judgement)
}{
	{"PRIVATEPULL-ECR-API", endpointExists("PRIVATEPULL-ECR-API")},
	{"PRIVATEPULL-ECR-DKR", endpointExists("PRIVATEPULL-ECR-DKR")},
	{"PRIVATEPULL-LOGS-ENDPOINT", endpointExists("PRIVATEPULL-LOGS-ENDPOINT")},
	{"PRIVATEPULL-SECRETS-ENDPOINT", endpointExists("PRIVATEPULL-SECRETS-ENDPOINT")},
	{"PRIVATEPULL-EXEC-ENDPOINT", endpointExists("PRIVATEPULL-EXEC-ENDPOINT")},
	{"PRIVATEPULL-PRIVATE-DNS", (*judgement).privateDNS},
	{"PRIVATEPULL-VPC-DNS", (*judgement).vpcDNS},
	{"PRIVATEPULL-VPC-DNS", (*judgement).dhcpDNS},
	{"PRIVATEPULL-ENDPOINT-EGRESS", (*judgement).endpointEgress},
	{"PRIVATEPULL-ENDPOINT-INGRESS", (*judgement).endpointIngress},
	{"PRIVATEPULL-ENDPOINT-POLICY", (*judgement).endpointPolicies},
	{"PRIVATEPULL-S3-GATEWAY", (*judgement).s3Gateway},
	{"PRIVATEPULL-S3-INTERFACE", (*judgement).s3Interface},
	{"PRIVATEPULL-S3-EGRESS", (*judgement).s3Egress},
	{"PRIVATEPULL-S3-POLICY", (*judgement).s3Policies},
	{"PRIVATEPULL-EXECUTION-ROLE", (*judgement).executionRole},
	{"PRIVATEPULL-PULL-THROUGH-CACHE", (*judgement).pullThroughCache},
	{"PRIVATEPULL-IMAGE-REGISTRY", (*judgement).imageRegistry},
	{"PRIVATEPULL-PUBLIC-IP", (*judgement).publicIP},
	{"PRIVATEPULL-NETWORK-ACL", (*judgement).networkACL},
	{"PRIVATEPULL-IMAGE-MISSING", (*judgement).imageMissing},
}
