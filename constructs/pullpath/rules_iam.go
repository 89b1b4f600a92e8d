package pullpath

import (
	"cmp"
	"fmt"
	"strings"
)

// ecrImage is an image in this region's private ECR (or a cache of it).
type ecrImage struct {
	image, account, region, repo string
}

// repoARN is the ARN of the image's repository.
func (j *judgement) repoARN(im ecrImage) string {
	return "arn:" + j.partitionOr() + ":ecr:" + im.region + ":" + im.account + ":repository/" + im.repo
}

// pullRequests are the calls a pull makes, by the task's account.
func (j *judgement) pullRequests(viaTask bool) []Request {
	out := []Request{{Action: "ecr:GetAuthorizationToken", Resource: "*", Account: j.account(), NoSourceVpc: viaTask, Known: j.known()}}
	for _, im := range j.ecr {
		for _, a := range []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"} {
			out = append(out, Request{Action: a, Resource: j.repoARN(im), Account: j.account(), ResourceAccount: im.account, NoSourceVpc: viaTask, Known: j.known()})
		}
	}
	return out
}

func (j *judgement) endpointPolicy(e *Endpoint) {
	if e.Policy == nil {
		return
	}
	var blocked []string
	for _, req := range j.pullRequests(false) {
		switch Evaluate([]*Policy{e.Policy}, req) {
		case No:
			blocked = append(blocked, req.Action+" on "+req.Resource)
		case Unknown:
			j.unknown("policy of endpoint "+e.ID, cmp.Or(e.Policy.Why, "whether it allows "+req.Action+" on "+req.Resource))
		}
	}
	if len(blocked) > 0 {
		j.find("PRIVATEPULL-ENDPOINT-POLICY", "error", &e.Node,
			fmt.Sprintf("Interface endpoint %s (%s) has a policy that does not allow (or denies) %s: the pull through it fails with CannotPullContainerError (AccessDenied)", e.ID, j.serviceName(e), strings.Join(blocked, ", ")),
			Change{Kind: AllowPullInEndpointPolicy})
	}
}

func (j *judgement) s3Policy(gw *Endpoint) {
	if gw.Policy == nil {
		return
	}
	target := "arn:" + j.partitionOr() + ":s3:::prod-" + j.regionSym() + "-starport-layer-bucket/sha256/0"
	switch Evaluate([]*Policy{gw.Policy}, Request{Action: "s3:GetObject", Resource: target, Account: j.account(), ResourceAccount: "aws", Known: j.known()}) {
	case No:
		j.find("PRIVATEPULL-S3-POLICY", "error", &gw.Node,
			fmt.Sprintf("S3 gateway endpoint %s has a policy that does not allow (or denies) s3:GetObject on arn:aws:s3:::prod-%s-starport-layer-bucket/*: ECR layers come from that bucket, owned by AWS, so every pull through the gateway fails with CannotPullContainerError (403)", gw.ID, j.regionOr()),
			Change{Kind: AllowLayersInGatewayPolicy, Region: j.regionOr()})
	case Unknown:
		j.unknown("policy of S3 gateway "+gw.ID, cmp.Or(gw.Policy.Why, "whether it allows s3:GetObject on the layer bucket "+target))
	}
}

// roleNeeds are the calls the execution role makes for the tasks: the
// pull, the awslogs streams, the secrets.
func (j *judgement) roleNeeds() []Request {
	out := []Request{}
	if len(j.ecr) > 0 {
		out = j.pullRequests(true)
	}
	base := Request{Account: j.account(), NoSourceVpc: true, Known: j.known()}
	for _, c := range j.s.Task.Containers {
		if c.LogDriver == "awslogs" {
			stream := "arn:" + j.partitionOr() + ":logs:" + j.regionSym() + ":" + j.account() + ":log-group:" + cmp.Or(c.LogGroup, "${?}") + ":log-stream:" + c.Name
			for _, a := range []string{"logs:CreateLogStream", "logs:PutLogEvents"} {
				r := base
				r.Action, r.Resource = a, stream
				out = append(out, r)
			}
		}
		for _, sec := range c.Secrets {
			r := base
			switch sec.Store {
			case "secretsmanager":
				r.Action, r.Resource = "secretsmanager:GetSecretValue", secretARN(sec.From)
			case "ssm":
				r.Action, r.Resource = "ssm:GetParameters", j.parameterARN(sec)
			default:
				continue
			}
			out = append(out, r)
		}
	}
	return out
}

// secretARN drops the JSON key, version stage and id a valueFrom may add.
func secretARN(from string) string {
	if parts := strings.Split(from, ":"); len(parts) > 7 && strings.HasPrefix(from, "arn:") {
		return strings.Join(parts[:7], ":")
	}
	if end := strings.IndexByte(from, '}'); strings.HasPrefix(from, "${") && end > 0 {
		return from[:end+1] // a secret's ARN (its Ref), then the key
	}
	return from
}

func (j *judgement) parameterARN(sec Secret) string {
	from := sec.From
	if sec.ARN || strings.HasPrefix(from, "arn:") {
		return from
	}
	return "arn:" + j.partitionOr() + ":ssm:" + j.regionSym() + ":" + j.account() + ":parameter/" + strings.TrimPrefix(from, "/")
}

// executionRole checks that the execution role may pull, write the logs
// and read the secrets.
func (j *judgement) executionRole() {
	t := j.s.Task
	if t == nil {
		return
	}
	needs := j.roleNeeds()
	if len(needs) == 0 {
		return
	}
	if t.ExecRoleWhy != "" {
		j.unknown("execution role", t.ExecRoleWhy)
		return
	}
	if t.ExecRole == nil {
		j.find("PRIVATEPULL-EXECUTION-ROLE", "error", &t.Node,
			fmt.Sprintf("Task definition %s%s has no execution role, but Fargate needs one to %s: the task fails to start (CannotPullContainerError / ResourceInitializationError)", t.ID, j.runBy(), needsText(needs)),
			Change{Kind: SetExecutionRole})
		return
	}
	var missing []string
	for _, req := range needs {
		switch j.roleAllows(t.ExecRole, req) {
		case No:
			missing = append(missing, req.Action+" on "+req.Resource)
		case Unknown:
			j.unknown("execution role "+t.ExecRole.ID, cmp.Or(t.ExecRole.PoliciesWhy, "whether it may "+req.Action+" on "+req.Resource))
		}
	}
	if len(missing) > 0 {
		j.find("PRIVATEPULL-EXECUTION-ROLE", "error", &t.Node,
			fmt.Sprintf("Task definition %s%s: its execution role %s is not allowed %s, which Fargate calls for the task: the task fails to start (CannotPullContainerError / ResourceInitializationError: AccessDenied)", t.ID, j.runBy(), t.ExecRole.ID, strings.Join(missing, ", ")),
			Change{Kind: GrantExecutionRole, Role: t.ExecRole.ID})
	}
}

func needsText(needs []Request) string {
	var what []string
	for _, n := range needs {
		switch {
		case strings.HasPrefix(n.Action, "ecr:"):
			what = append(what, "pull the image")
		case strings.HasPrefix(n.Action, "logs:"):
			what = append(what, "write the awslogs streams")
		default:
			what = append(what, "read the secrets")
		}
	}
	return strings.Join(uniq(what), ", ")
}

func (j *judgement) roleAllows(r *Role, req Request) Tri {
	t := Evaluate(r.Policies, req)
	if t == No && r.PoliciesWhy != "" {
		return Unknown
	}
	return t
}

// pullThroughCache checks images pulled through an ECR cache rule.
func (j *judgement) pullThroughCache() {
	images := j.cached
	if len(images) == 0 {
		return
	}
	t := j.s.Task
	first := images[0].image
	if t.ExecRole != nil {
		for _, im := range images {
			req := Request{Action: "ecr:BatchImportUpstreamImage", Resource: j.repoARN(im), Account: j.account(), ResourceAccount: im.account, NoSourceVpc: true, Known: j.known()}
			switch j.roleAllows(t.ExecRole, req) {
			case No:
				j.find("PRIVATEPULL-PULL-THROUGH-CACHE", "error", &t.Node,
					fmt.Sprintf("Task definition %s pulls %s through a pull-through cache, but its execution role %s may not ecr:BatchImportUpstreamImage on %s: an image not yet cached cannot be imported and the pull fails", t.ID, im.image, t.ExecRole.ID, req.Resource),
					Change{Kind: GrantCacheImport})
			case Unknown:
				j.unknown("ecr:BatchImportUpstreamImage of role "+t.ExecRole.ID, cmp.Or(t.ExecRole.PoliciesWhy, "whether it is allowed on "+req.Resource))
			}
			req.Action = "ecr:CreateRepository"
			if j.roleAllows(t.ExecRole, req) == No {
				j.find("PRIVATEPULL-PULL-THROUGH-CACHE", "warning", &t.Node,
					fmt.Sprintf("Task definition %s pulls %s through a pull-through cache, but its execution role %s may not ecr:CreateRepository: the first pull of an image whose cache repository does not exist yet fails", t.ID, im.image, t.ExecRole.ID),
					Change{Kind: GrantCacheCreate})
			}
		}
	}
	switch j.out {
	case No:
		j.find("PRIVATEPULL-PULL-THROUGH-CACHE", "warning", &j.s.Node,
			fmt.Sprintf("%s pulls %s through a pull-through cache, and its tasks have no way out (%s): the first pull of an image not yet cached needs the internet, so only images already cached can start", j.who(), first, j.via),
			Change{Kind: WarmCache})
		j.unknown("pull through cache", "it works only once the image is cached")
	case Unknown:
		j.unknown("pull through cache", "the first pull needs the internet, and "+j.via)
	}
}
